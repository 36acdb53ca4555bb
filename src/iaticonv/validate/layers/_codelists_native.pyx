# cython: language_level=3, boundscheck=False, wraparound=False
"""The codelist layer's trie walk (:mod:`.codelists`), compiled, reading libxml2's nodes directly.

Why this exists: nearly every value the walk reads is a valid code, yet the Python walk pays an lxml
proxy, a tag string and an attribute lookup for each mapped element to find that out. Here the walk
runs in C over the libxml2 tree under each record; only the values themselves become Python strings
(to look them up in the codelist's set), and only the rare value that is not an allowed code goes
back to Python, as (rule, element, value), where the codelist layer decides exactly as before
(the vocabulary condition, the finding). Tests compare both walks on every real file and on
records with random codes, vocabularies and node kinds.
"""

from cpython.ref cimport PyObject
from libc.stdlib cimport free, malloc
from libc.string cimport strcmp, strlen

from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode, xmlAttr, const_xmlChar
cimport lxml.includes.etreepublic as cetree

from iaticonv.validate._native_nodes cimport position, same_name

cdef extern from "Python.h":
    object PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors)

cetree.import_lxml__etree()

BUILT_WITH_LXML = cetree.LXML_VERSION_STRING.decode("ascii")


cdef struct RuleSpec:
    const char* attribute  # NULL: the element's text
    PyObject* rule         # the CodelistRule (kept alive by the node's list)
    PyObject* codes        # every code of the list
    PyObject* current      # the codes not withdrawn (what --extra checks against)
    const char* vocabulary # the rule's vocabulary condition (NULL: none; see ``CodelistRule.applies``)
    bint on_parent         # the condition reads the parent's @vocabulary
    bint is_default        # the condition also holds when there is no @vocabulary


cdef class TrieNode:
    """One trie node: the rules for the element at this path, and the element names below it."""

    cdef RuleSpec* rules
    cdef int n_rules
    cdef const char** names
    cdef list children
    cdef int n_children
    cdef list keep

    def __cinit__(self):
        self.rules = NULL
        self.names = NULL
        self.keep = []
        self.children = []

    def __dealloc__(self):
        free(self.rules)
        free(self.names)

    def __init__(self, rules):
        """``rules``: (attribute or None, rule, codes, current) for the element at this node."""
        self.n_rules = len(rules)
        self.rules = <RuleSpec*> malloc(max(1, self.n_rules) * sizeof(RuleSpec))
        if self.rules is NULL:
            raise MemoryError()
        for i, (attribute, rule, codes, current) in enumerate(rules):
            name = None if attribute is None else attribute.encode("utf-8")
            self.keep.extend((name, rule, codes, current))
            self.rules[i].attribute = NULL if name is None else <const char*> name
            self.rules[i].rule = <PyObject*> rule
            self.rules[i].codes = <PyObject*> codes
            self.rules[i].current = <PyObject*> current
            vocabulary = None if rule.vocabulary is None else rule.vocabulary.encode("utf-8")
            self.keep.append(vocabulary)
            self.rules[i].vocabulary = NULL if vocabulary is None else <const char*> vocabulary
            self.rules[i].on_parent = rule.vocabulary_on_parent
            self.rules[i].is_default = rule.is_default

    def set_children(self, children):
        """``children``: (element name, TrieNode) pairs."""
        self.n_children = len(children)
        self.names = <const char**> malloc(max(1, self.n_children) * sizeof(const char*))
        if self.names is NULL:
            raise MemoryError()
        for i, (name, child) in enumerate(children):
            encoded = name.encode("utf-8")
            self.keep.append(encoded)
            self.names[i] = <const char*> encoded
            self.children.append(child)


class Delegate(Exception):
    """Internal: a value this walk does not read itself (an attribute made of several nodes)."""


cdef inline bint _is_text(xmlNode* c):
    return c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE


cdef object _attribute(xmlNode* element, const char* name, const char* namespace=NULL):
    """lxml's ``element.get(name)`` (``namespace``: the attribute's namespace URI, NULL for none);
    Delegate for a value of several nodes."""
    cdef xmlAttr* a = element.properties
    cdef xmlNode* v
    cdef bint plain, same
    while a is not NULL:
        plain = a.ns is NULL or a.ns.href is NULL
        same = plain if namespace is NULL else not plain and strcmp(<const char*> a.ns.href, namespace) == 0
        if same and same_name(a.name, name):
            v = a.children
            if v is NULL:
                return ""
            if v.type != tree.XML_TEXT_NODE or v.next is not NULL or v.content is NULL:
                raise Delegate()
            return PyUnicode_DecodeUTF8(<const char*> v.content, strlen(<const char*> v.content), NULL)
        a = a.next
    return None


cdef object _stripped_text(xmlNode* element):
    """lxml's ``(element.text or "").strip()``: the text and CDATA nodes before any other child."""
    cdef xmlNode* c = element.children
    parts = []
    while c is not NULL and _is_text(c):
        if c.content is not NULL:
            parts.append(PyUnicode_DecodeUTF8(<const char*> c.content, strlen(<const char*> c.content), NULL))
        c = c.next
    return "".join(parts).strip()


cdef bint _may_apply(xmlNode* element, RuleSpec* spec):
    """False only when the rule's vocabulary condition surely does not hold (``CodelistRule.applies``
    then decides the rest): most values that are no code of a rule belong to another vocabulary."""
    cdef xmlNode* holder = element.parent if spec.on_parent else element
    cdef xmlAttr* a
    cdef xmlNode* v
    if spec.vocabulary is NULL:
        return True
    if holder is NULL or holder.type != tree.XML_ELEMENT_NODE:
        return True
    a = holder.properties
    while a is not NULL:
        if (a.ns is NULL or a.ns.href is NULL) and strcmp(<const char*> a.name, b"vocabulary") == 0:
            v = a.children
            if v is NULL:
                return spec.is_default
            if v.type != tree.XML_TEXT_NODE or v.next is not NULL or v.content is NULL:
                return True
            if v.content[0] == 0:
                return spec.is_default
            return strcmp(<const char*> v.content, spec.vocabulary) == 0
        a = a.next
    return spec.is_default


cdef int _check(TrieNode node, cetree._Document doc, xmlNode* element, bint extra, list misses) except -1:
    """The node's rules on ``element``: each value that is not an allowed code joins ``misses``."""
    cdef int i
    cdef RuleSpec* spec
    proxy = None
    for i in range(node.n_rules):
        spec = &node.rules[i]
        if spec.attribute is NULL:
            value = _stripped_text(element)
        else:
            try:
                value = _attribute(element, spec.attribute)
            except Delegate:
                if proxy is None:
                    proxy = cetree.elementFactory(doc, element)
                value = proxy.get(spec.attribute.decode("utf-8"))
        if value is None or value in <object> (spec.current if extra else spec.codes):
            continue
        if not _may_apply(element, spec):
            continue
        if proxy is None:
            proxy = cetree.elementFactory(doc, element)
        misses.append((<object> spec.rule, proxy, value))
    return 0


cdef int _walk(TrieNode node, cetree._Document doc, xmlNode* element, bint extra, list misses) except -1:
    cdef xmlNode* c = element.children
    cdef const char* name
    cdef int i
    cdef TrieNode sub
    while c is not NULL:
        if c.type == tree.XML_ELEMENT_NODE and (c.ns is NULL or c.ns.href is NULL):
            name = <const char*> c.name
            for i in range(node.n_children):
                if node.names[i][0] == name[0] and strcmp(node.names[i], name) == 0:
                    sub = <TrieNode> node.children[i]
                    if sub.n_rules:
                        _check(sub, doc, c, extra, misses)
                    if sub.n_children:
                        _walk(sub, doc, c, extra, misses)
                    break
        c = c.next
    return 0


def record_misses(TrieNode root, cetree._Element record, bint extra):
    """(rule, element, value) for each value under ``record`` that is not an allowed code of its
    rule, in the order the Python walk meets them (the record's own rules first)."""
    misses = []
    if root.n_rules:
        _check(root, record._doc, record._c_node, extra, misses)
    _walk(root, record._doc, record._c_node, extra, misses)
    return misses


cdef const char* XML_NAMESPACE = b"http://www.w3.org/XML/1998/namespace"


cdef str _path_below(xmlNode* node, xmlNode* top):
    """``_locate.relative_path`` of a plain (no namespace) element: ``/name[k]`` for each step below
    ``top``; None when a step has a namespace (the caller then asks the Python walk)."""
    cdef list steps = []
    while node is not top:
        if node.ns is not NULL:
            return None
        steps.append(f"/{(<bytes> node.name).decode('utf-8')}[{position(node)}]")
        node = node.parent
    steps.reverse()
    return "".join(steps)


cdef int _languages(xmlNode* element, xmlNode* top, frozenset codes, cetree._Document doc, list out,
                    bint placed) except -1:
    """Pre-order over ``element`` and its descendant elements: each ``xml:lang`` not in ``codes``, as
    (element, value), or ``placed`` as (line, path below ``top``, value) with no element proxy made."""
    cdef xmlNode* child
    value = _attribute(element, b"lang", XML_NAMESPACE)
    if value is not None and value not in codes:
        if not placed:
            out.append((cetree.elementFactory(doc, element), value))
        elif element.line == 0 or element.line >= 65535:  # libxml2 would borrow a neighbour's line
            raise Delegate()
        else:
            path = _path_below(element, top)
            if path is None:
                raise Delegate()
            out.append((element.line, path, value))
    child = element.children
    while child is not NULL:
        if child.type == tree.XML_ELEMENT_NODE:
            _languages(child, top, codes, doc, out, placed)
        elif child.type == tree.XML_ENTITY_REF_NODE or child.type == tree.XML_XINCLUDE_START:
            raise Delegate()
        child = child.next
    return 0


def language_spots(cetree._Element record, frozenset codes):
    """``language_misses`` with each miss already placed: (line, positional path below the record,
    value), as ``_locate`` would place its element; None when anything is not plain (a value of
    several nodes, an entity, a namespaced element, a line libxml2 does not keep exactly)."""
    spots = []
    try:
        _languages(record._c_node, record._c_node, codes, record._doc, spots, True)
    except Delegate:
        return None
    return spots


cdef int _attribute_spots(xmlNode* element, list steps, Py_ssize_t depth, const char* attribute, xmlNode* top,
                          list spots) except -1:
    """The ``attribute`` values on the plain elements ``steps`` below ``element`` (from ``depth`` on),
    in document order, each as (line, path below ``top``, value)."""
    cdef xmlNode* child
    cdef const char* name
    if depth == len(steps):
        value = _attribute(element, attribute)
        if value is not None:
            if element.line == 0 or element.line >= 65535:  # libxml2 would borrow a neighbour's line
                raise Delegate()
            spots.append((element.line, _path_below(element, top), value))
        return 0
    name = <const char*> (<bytes> steps[depth])
    child = element.children
    while child is not NULL:
        if child.type == tree.XML_ELEMENT_NODE:
            if child.ns is NULL and same_name(child.name, name):
                _attribute_spots(child, steps, depth + 1, attribute, top, spots)
        elif child.type == tree.XML_ENTITY_REF_NODE or child.type == tree.XML_XINCLUDE_START:
            raise Delegate()
        child = child.next
    return 0


def attribute_spots(cetree._Element record, list steps, bytes attribute):
    """(line, positional path below the record, value) of each ``attribute`` of the elements at the
    plain child path ``steps`` below ``record``, in document order (what ``steps/@attribute`` finds,
    placed as ``_locate`` places its element); None when anything is not plain (an entity, a value of
    several nodes, a line libxml2 does not keep exactly)."""
    spots = []
    try:
        _attribute_spots(record._c_node, steps, 0, <const char*> attribute, record._c_node, spots)
    except Delegate:
        return None
    return spots


def language_misses(cetree._Element record, frozenset codes):
    """(element, value) for each ``xml:lang`` on ``record`` or below it that is not in ``codes``, in
    document order (what ``descendant-or-self::*/@xml:lang`` finds); None when a value or node is
    not plain (the caller then asks the XPath)."""
    misses = []
    try:
        _languages(record._c_node, record._c_node, codes, record._doc, misses, False)
    except Delegate:
        return None
    return misses
