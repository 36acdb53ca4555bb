# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""IATI XML → the JSON line of a record, compiled, reading libxml2's nodes directly.

Why this exists: the typed path (:func:`._typed_read.element_to_node` then
:func:`..records.record.node_to_record`) creates an lxml proxy per element, asks it for tags, attributes and
text, builds a dataclass and takes it apart again into the dicts and strings orjson then encodes.
Here the walk runs in C over the libxml2 tree under the lxml element (reached through lxml's public
C API) and writes the JSON bytes straight away.

It holds no mapping of its own. Its plans (:mod:`._xml_record_plans`) are built from the model's
metadata plans — attribute names, child tags in XSD order, field kinds (the model's ``Kind``, read by
``_native_fields.child_shape``) — and each carries the typed mapper of its class as fallback: any
element outside the common shapes handled here (text where none belongs, children out of XSD order,
a second copy of a 0..1 child, a known child after an unknown one, attribute values made of several
nodes, XInclude nodes, anything unexpected) is handed to it, and its record is encoded in its place.
So this module can only be as right as the typed path, and tests compare both on every real file.

Over 400 lines: one walk (attributes, text, children, narratives, the JSON escaping) that must stay
in one module for its C-level calls to inline.
"""

from cpython.ref cimport PyObject
from libc.string cimport strchr, strcmp, strlen
from libc.stdlib cimport free, malloc
from cpython.bytes cimport PyBytes_FromStringAndSize

from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode, xmlAttr, const_xmlChar
cimport lxml.includes.etreepublic as cetree

from iaticonv.formats.iati_xml._native_buffer cimport Buf, Spare, buf_begin, buf_end, buf_put, buf_putc
from iaticonv.formats.iati_xml._native_fields cimport (CHILD_MANY, CHILD_NARR, CHILD_ONE, CHILD_TEXT_MANY, CHILD_TEXT_ONE,
                                              child_shape)

cdef Spare _spare  # a C static: starts zeroed (no buffer yet, not busy)

cdef extern from "Python.h":
    object PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors)

cetree.import_lxml__etree()

from orjson import dumps as _dumps, JSONEncodeError as _JSONEncodeError

cpdef enum ValueRule:
    # How a scalar's XML text becomes its record value: chosen in Python (xml_record_native.value_rule),
    # from this one declaration, for the typed rule (record.record_value) the walk may shortcut.
    TEXT_ITSELF = 0   # the text itself
    BOOLEAN = 1       # "true"/"false" → True/False, anything else stays text
    DECIMAL_TEXT = 2  # the text itself unless it holds an exponent, then the typed rule
    TYPED_RULE = 3    # the typed rule, called

cdef enum:
    MAX_ATTRS = 64

BUILT_WITH_LXML = cetree.LXML_VERSION_STRING.decode("ascii")

cdef const char* XML_NS_HREF = b"http://www.w3.org/XML/1998/namespace"


cdef struct AttrSpec:
    const char* local
    const char* ns       # NULL: no namespace
    int mode
    PyObject* how        # the typed rule, for DECIMAL_TEXT / TYPED_RULE (kept alive by the plan's list)
    const char* key_json  # '"key":'
    Py_ssize_t key_len


cdef struct ChildSpec:
    const char* local
    int index            # XSD position
    int code
    int mode             # for text children
    PyObject* target     # the child's NativePlan (ONE/MANY) or its typed rule (text children)
    const char* key_json  # '"key":'
    Py_ssize_t key_len


class Delegate(Exception):
    """Internal: this element is outside the shapes handled here (never escapes this module)."""


cdef class NativePlan:
    """What the walk needs about one model class, in C arrays: built once by xml_record_native."""

    cdef AttrSpec* attrs
    cdef int n_attrs
    cdef ChildSpec* children
    cdef int n_children
    cdef bint has_child_plans
    cdef bint top
    cdef object text_name
    cdef int text_mode
    cdef object text_how
    cdef bytes text_key_json
    cdef object fallback
    cdef object raw
    cdef list keep      # owns every object the C arrays point to

    def __cinit__(self):
        self.attrs = NULL
        self.children = NULL
        self.n_attrs = 0
        self.n_children = 0
        self.keep = []

    def __dealloc__(self):
        free(self.attrs)
        free(self.children)

    def __init__(self, fallback, raw, bint top, text=None, attrs=()):
        """``fallback(element)``: the typed record of an element of this class (None: the parent keeps
        it verbatim). ``attrs``: (ns or None, local, key, ValueRule, typed rule); ``text``: (key,
        ValueRule, typed rule) or None. Child fields, for a class that has them, come later with
        :meth:`set_children`."""
        self.fallback = fallback
        self.raw = raw
        self.top = top
        self.text_name = None
        if text is not None:
            self.text_name, self.text_mode, self.text_how = text
            self.text_key_json = _json_key(self.text_name)
        self.n_attrs = len(attrs)
        if self.n_attrs:
            self.attrs = <AttrSpec*> malloc(self.n_attrs * sizeof(AttrSpec))
            if self.attrs is NULL:
                raise MemoryError()
        for i, (ns, local, key, mode, how) in enumerate(attrs):
            ns_b = None if ns is None else ns.encode("utf-8")
            local_b = local.encode("utf-8")
            key_b = _json_key(key)
            self.keep.extend((ns_b, local_b, key, how, key_b))
            self.attrs[i].key_json = <const char*> key_b
            self.attrs[i].key_len = len(key_b)
            self.attrs[i].local = <const char*> local_b
            self.attrs[i].ns = NULL if ns_b is None else <const char*> ns_b
            self.attrs[i].mode = mode
            self.attrs[i].how = <PyObject*> how
        self.has_child_plans = False

    def set_children(self, children):
        """``children``: (local tag, XSD index, the model's Kind, many, key, rule, target), in XSD
        order; ``target`` is the child class's plan, or the typed rule of a text child's scalar."""
        self.n_children = len(children)
        self.has_child_plans = True
        if self.n_children:
            self.children = <ChildSpec*> malloc(self.n_children * sizeof(ChildSpec))
            if self.children is NULL:
                raise MemoryError()
        for i, (local, index, kind, many, key, rule, target) in enumerate(children):
            local_b = local.encode("utf-8")
            key_b = _json_key(key)
            self.keep.extend((local_b, key, target, key_b))
            self.children[i].key_json = <const char*> key_b
            self.children[i].key_len = len(key_b)
            self.children[i].local = <const char*> local_b
            self.children[i].index = index
            self.children[i].code = child_shape(kind, many)
            self.children[i].mode = rule
            self.children[i].target = <PyObject*> target


def _json_key(key):
    """``"key":`` as orjson writes a record key (keys are model field names: plain ASCII)."""
    return _dumps(key) + b":"


cdef inline object _text(const_xmlChar* s):
    return PyUnicode_DecodeUTF8(<const char*> s, strlen(<const char*> s), NULL)


cdef inline bint _is_blank(const_xmlChar* s):
    """True for a non-empty run of XML whitespace; anything else (even empty) is left to Python."""
    cdef const unsigned char* p = <const unsigned char*> s
    if p is NULL or p[0] == 0:
        return False
    while p[0] != 0:
        if p[0] != 32 and p[0] != 10 and p[0] != 13 and p[0] != 9:
            return False
        p += 1
    return True


cdef inline bint _is_text(xmlNode* c):
    return c.type == tree.XML_TEXT_NODE or c.type == tree.XML_CDATA_SECTION_NODE


cdef inline bint _is_item(xmlNode* c):
    """A node lxml yields when iterating an element (``len(el)`` counts these)."""
    return (c.type == tree.XML_ELEMENT_NODE or c.type == tree.XML_COMMENT_NODE
            or c.type == tree.XML_PI_NODE or c.type == tree.XML_ENTITY_REF_NODE)


cdef object _leading_text(xmlNode* node):
    """lxml's ``el.text``: the text and CDATA nodes before the first other child, or None."""
    cdef xmlNode* c = node.children
    if c is NULL or not _is_text(c):
        return None
    if c.next is NULL or not _is_text(c.next):
        return _text(c.content) if c.content is not NULL else ""
    parts = []
    while c is not NULL and _is_text(c):
        if c.content is not NULL:
            parts.append(_text(c.content))
        c = c.next
    return "".join(parts)


cdef int _check_nodes(xmlNode* node, bint leading, bint tails) except -1:
    """Raise Delegate for a child node this walk does not handle, or for text that is not blank:
    before the first other child when ``leading``, after it (a tail) when ``tails``. Python refuses
    such text (the element is then kept verbatim), so it decides those cases itself."""
    cdef xmlNode* c = node.children
    cdef bint seen_item = False
    while c is not NULL:
        if _is_text(c):
            if (tails if seen_item else leading) and not _is_blank(c.content):
                raise Delegate()
        elif _is_item(c):
            seen_item = True
        else:  # XInclude markers and anything else lxml treats specially
            raise Delegate()
        c = c.next
    return 0


cdef inline const_xmlChar* _attr_value(xmlAttr* a) except? NULL:
    """The value of a plain attribute; Delegate when it is made of several nodes (entity references)."""
    cdef xmlNode* v = a.children
    if v is NULL:
        return <const_xmlChar*> b""
    if v.type != tree.XML_TEXT_NODE or v.next is not NULL or v.content is NULL:
        raise Delegate()
    return v.content


cdef object _attr_key(xmlAttr* a):
    if a.ns is not NULL and a.ns.href is not NULL:
        return "{%s}%s" % (_text(a.ns.href), _text(a.name))
    return _text(a.name)


cdef object _convert_text(int mode, object how, object value):
    """A scalar rule applied to decoded text (text spread over several nodes: rare)."""
    if mode == TEXT_ITSELF:
        return value
    if mode == BOOLEAN:
        return True if value == "true" else False if value == "false" else value
    if mode == DECIMAL_TEXT and "e" not in value and "E" not in value:
        return value
    return how(value)


cdef inline bint _no_attrs(xmlNode* c):
    return c.properties is NULL


cdef inline bint _has_items(xmlNode* c):
    cdef xmlNode* k = c.children
    while k is not NULL:
        if _is_item(k):
            return True
        k = k.next
    return False


cdef inline int _find_child(NativePlan p, xmlNode* c, int start):
    """The index in ``p.children`` of the spec for element ``c``, or -1. Children mostly come in XSD
    order, so the search starts at the previous match."""
    cdef int i, n = p.n_children
    cdef const char* name = <const char*> c.name
    if c.ns is not NULL and c.ns.href is not NULL:
        return -1
    if start < 0:
        start = 0
    for i in range(start, n):
        if p.children[i].local[0] == name[0] and strcmp(p.children[i].local, name) == 0:
            return i
    for i in range(0, start):
        if p.children[i].local[0] == name[0] and strcmp(p.children[i].local, name) == 0:
            return i
    return -1


cdef object _proxy(cetree._Document doc, xmlNode* c):
    return cetree.elementFactory(doc, c)


cdef inline int _attr_index(NativePlan p, xmlAttr* a):
    """The index in ``p.attrs`` of the spec for attribute ``a``, or -1 (an attribute the model does
    not type: kept in ``extra_attrs``)."""
    cdef int j
    cdef AttrSpec* spec
    for j in range(p.n_attrs):
        spec = &p.attrs[j]
        if strcmp(<const char*> a.name, spec.local) != 0:
            continue
        if spec.ns is NULL:
            if a.ns is not NULL and a.ns.href is not NULL:
                continue
        elif a.ns is NULL or a.ns.href is NULL or strcmp(<const char*> a.ns.href, spec.ns) != 0:
            continue
        return j
    return -1


# ---------------------------------------------------------------------------------------------------
# The same walk, writing the record's JSON line (the bytes orjson.dumps(record) gives) instead of the
# record: no dict, list or str is built for the common shapes. Whatever the walk hands to Python (a
# delegated element, a raw verbatim node, a value the typed rule converts) is encoded with orjson and
# spliced in: orjson writes compact JSON whose bytes do not depend on the surrounding document.

class NotJson(Exception):
    """Internal: a value orjson refuses; the caller encodes the whole record its own way."""


cdef const char* HEX = b"0123456789abcdef"


cdef inline const char* _short_escape(unsigned char ch) noexcept:
    """orjson's two-character escape of ``ch``, or NULL (then it is written as \\u00xx)."""
    if ch == 34:
        return b'\\"'
    if ch == 92:
        return b"\\\\"
    if ch == 8:
        return b"\\b"
    if ch == 9:
        return b"\\t"
    if ch == 10:
        return b"\\n"
    if ch == 12:
        return b"\\f"
    if ch == 13:
        return b"\\r"
    return NULL


cdef int _put_escaped(Buf* b, const_xmlChar* s) except -1:
    """The characters of UTF-8 ``s`` as orjson writes them inside a JSON string: ``"`` and ``\\``
    escaped, control characters as \\b \\t \\n \\f \\r or \\u00xx, everything else as is."""
    cdef const unsigned char* p = <const unsigned char*> s
    cdef const unsigned char* run = p
    cdef const char* short
    cdef unsigned char ch
    if p is NULL:
        return 0
    while True:
        ch = p[0]
        if ch == 0:
            break
        if ch >= 0x20 and ch != 34 and ch != 92:
            p += 1
            continue
        buf_put(b, <const char*> run, p - run)
        short = _short_escape(ch)
        if short is not NULL:
            buf_put(b, short, 2)
        else:
            buf_put(b, b"\\u00", 4)
            buf_putc(b, HEX[ch >> 4])
            buf_putc(b, HEX[ch & 15])
        p += 1
        run = p
    buf_put(b, <const char*> run, p - run)
    return 0


cdef inline int _put_string(Buf* b, const_xmlChar* s) except -1:
    buf_putc(b, 34)
    _put_escaped(b, s)
    buf_putc(b, 34)
    return 0


cdef int _put_text(Buf* b, xmlNode* node) except -1:
    """lxml's ``el.text or ''`` as a JSON string, written straight from the text nodes."""
    cdef xmlNode* c = node.children
    buf_putc(b, 34)
    while c is not NULL and _is_text(c):
        _put_escaped(b, c.content)
        c = c.next
    buf_putc(b, 34)
    return 0


cdef int _put_object(Buf* b, object value) except -1:
    """Any Python value, as orjson encodes it; NotJson when orjson refuses it."""
    cdef bytes encoded
    try:
        encoded = _dumps(value)
    except _JSONEncodeError:
        raise NotJson() from None
    buf_put(b, <const char*> encoded, len(encoded))
    return 0


cdef int _put_scalar(Buf* b, int mode, object how, const_xmlChar* raw) except -1:
    """An attribute's value under its scalar rule (see _convert), as JSON."""
    cdef const char* s = <const char*> raw
    if mode == TEXT_ITSELF:
        return _put_string(b, raw)
    if mode == BOOLEAN:
        if strcmp(s, "true") == 0:
            return buf_put(b, b"true", 4)
        if strcmp(s, "false") == 0:
            return buf_put(b, b"false", 5)
        return _put_string(b, raw)
    if mode == DECIMAL_TEXT and strchr(s, c'e') is NULL and strchr(s, c'E') is NULL:
        return _put_string(b, raw)
    return _put_object(b, how(_text(raw)))


cdef int _put_text_scalar(Buf* b, int mode, object how, xmlNode* node) except -1:
    """An element's text (``text or ''``) under its scalar rule, as JSON. Text in one node (the usual
    case) is converted from its bytes; text over several nodes goes through the decoded string."""
    cdef xmlNode* c = node.children
    if mode == TEXT_ITSELF:
        return _put_text(b, node)
    if c is not NULL and _is_text(c) and c.content is not NULL and (c.next is NULL or not _is_text(c.next)):
        return _put_scalar(b, mode, how, c.content)
    if c is NULL or not _is_text(c):
        return _put_scalar(b, mode, how, <const_xmlChar*> b"")
    return _put_object(b, _convert_text(mode, how, _leading_text(node)))


cdef inline int _close(Buf* b, int kind) except -1:
    if kind == 1:
        buf_putc(b, 93)   # ]
    elif kind == 2:
        buf_putc(b, 125)  # }
    return 0


cdef int _json(NativePlan p, cetree._Document doc, xmlNode* node, Buf* b) except -1:
    """Append the JSON of ``node``'s record to ``b`` and return 1, or return 0 (nothing appended)
    where the parent keeps the node verbatim, as p.fallback decides."""
    cdef Py_ssize_t start = b.length
    try:
        return _walk_json(p, doc, node, b)
    except Delegate:
        b.length = start
        value = p.fallback(_proxy(doc, node))
        if value is None:
            return 0
        _put_object(b, value)
        return 1


cdef struct Obj:  # the JSON object of one element while it is written
    bint first                        # no key written yet
    int open_kind                     # 0: nothing open; 1: a list is open; 2: a narratives object
    int last                          # XSD index of the previous known child (-1: none yet)
    int n_langs                       # languages of the open narratives object
    const_xmlChar* langs[MAX_ATTRS]


cdef inline int _comma(Buf* b, Obj* o) except -1:
    if not o.first:
        buf_putc(b, 44)
    return 0


cdef int _walk_json(NativePlan p, cetree._Document doc, xmlNode* node, Buf* b) except -1:
    cdef Obj o
    cdef bint has_xa
    if p.n_attrs > MAX_ATTRS:
        raise Delegate()
    _check_nodes(node, p.text_name is None and not p.top, not p.top)
    buf_putc(b, 123)  # {
    o.first, o.open_kind, o.last, o.n_langs = True, 0, -1, 0
    has_xa = _put_attributes(p, node, b, &o)
    if p.text_name is not None and node.children is not NULL and _is_text(node.children):
        _comma(b, &o)
        o.first = False
        buf_put(b, <const char*> p.text_key_json, len(p.text_key_json))
        _put_text_scalar(b, p.text_mode, p.text_how, node)
    ex = _put_children(p, doc, node, b, &o) if p.has_child_plans else _unknown_children(p, doc, node)
    _close(b, o.open_kind)
    if has_xa:
        xa = {}
        a = node.properties
        while a is not NULL:
            if _attr_index(p, a) < 0:
                xa[_attr_key(a)] = _text(_attr_value(a))
            a = a.next
        if xa:
            _comma(b, &o)
            o.first = False
            buf_put(b, b'"extra_attrs":', 14)
            _put_object(b, xa)
    if ex:
        _comma(b, &o)
        buf_put(b, b'"extras":', 9)
        _put_object(b, ex)
    buf_putc(b, 125)  # }
    return 1


cdef bint _put_attributes(NativePlan p, xmlNode* node, Buf* b, Obj* o) except -1:
    """The typed attributes, in the plan's order; returns whether others are left (extra_attrs)."""
    cdef const_xmlChar* found_values[MAX_ATTRS]
    cdef xmlAttr* a = node.properties
    cdef AttrSpec* spec
    cdef const_xmlChar* v
    cdef int j
    cdef bint has_xa = False
    for j in range(p.n_attrs):
        found_values[j] = NULL
    while a is not NULL:
        v = _attr_value(a)
        j = _attr_index(p, a)
        if j < 0:
            has_xa = True
        else:
            found_values[j] = v
        a = a.next
    for j in range(p.n_attrs):
        if found_values[j] is not NULL:
            spec = &p.attrs[j]
            _comma(b, o)
            o.first = False
            buf_put(b, spec.key_json, spec.key_len)
            _put_scalar(b, spec.mode, <object> spec.how, found_values[j])
    return has_xa


cdef object _unknown_children(NativePlan p, cetree._Document doc, xmlNode* node):
    """The verbatim children of an element whose class has no child fields (None: none)."""
    cdef xmlNode* c = node.children
    ex = None
    while c is not NULL:
        if _is_item(c):
            if ex is None:
                ex = []
            ex.append(p.raw(_proxy(doc, c)))
        c = c.next
    return ex


cdef object _put_children(NativePlan p, cetree._Document doc, xmlNode* node, Buf* b, Obj* o):
    """The known children in XSD order; returns the verbatim ones (None: none). Delegate for the
    shapes the typed mapper decides (order, repeats, a known child after an unknown one)."""
    cdef xmlNode* c = node.children
    cdef ChildSpec* cs
    cdef int i, at = 0
    cdef bint written
    ex = None
    while c is not NULL:
        if not _is_item(c):
            c = c.next
            continue
        i = _find_child(p, c, at) if c.type == tree.XML_ELEMENT_NODE else -1
        if i < 0:
            if ex is None:
                ex = []
            ex.append(p.raw(_proxy(doc, c)))
            c = c.next
            continue
        if ex is not None:
            raise Delegate()  # a known child after an unknown one: Python's typed path decides
        at = i
        cs = &p.children[i]
        if cs.index < o.last:
            raise Delegate()  # out of XSD order
        if cs.code == CHILD_MANY or cs.code == CHILD_ONE:
            written = _put_child(cs, doc, c, b, o)
        elif cs.code == CHILD_NARR:
            written = _put_narrative(cs, c, b, o)
        else:
            written = _put_text_child(cs, c, b, o)
        if written:
            o.first = False
            o.last = cs.index
        else:  # kept verbatim: every later known child sends the element to Python
            ex = [p.raw(_proxy(doc, c))]
        c = c.next
    return ex


cdef inline int _open_field(ChildSpec* cs, Buf* b, Obj* o, int kind) except -1:
    """Start a new field: close the open one, write its key, and open its list or object."""
    _close(b, o.open_kind)
    _comma(b, o)
    buf_put(b, cs.key_json, cs.key_len)
    o.open_kind = kind
    if kind == 1:
        buf_putc(b, 91)   # [
    elif kind == 2:
        buf_putc(b, 123)  # {
    return 0


cdef bint _put_child(ChildSpec* cs, cetree._Document doc, xmlNode* c, Buf* b, Obj* o) except -1:
    """A child of a model class; False when its typed mapper keeps it verbatim (nothing written)."""
    cdef Py_ssize_t mark
    if cs.index == o.last:
        if cs.code == CHILD_ONE:
            raise Delegate()  # a second copy of a 0..1 child
        mark = b.length
        buf_putc(b, 44)
    else:
        _close(b, o.open_kind)
        o.open_kind = 0
        mark = b.length
        _comma(b, o)
        buf_put(b, cs.key_json, cs.key_len)
        if cs.code == CHILD_MANY:
            buf_putc(b, 91)  # [
    if not _json(<NativePlan> cs.target, doc, c, b):
        b.length = mark  # the key (or the comma) goes too
        return False
    if cs.code == CHILD_MANY:
        o.open_kind = 1
    return True


cdef bint _put_narrative(ChildSpec* cs, xmlNode* c, Buf* b, Obj* o) except -1:
    """A narrative; False when Python keeps it verbatim (a child, other attributes, a repeated language)."""
    cdef const_xmlChar* lang = NULL
    cdef int j
    if not _has_items(c):
        lang = _narrative_lang_raw(c)
    if lang is NULL:
        return False
    if cs.index == o.last:
        for j in range(o.n_langs):
            if strcmp(<const char*> o.langs[j], <const char*> lang) == 0:
                return False
        if o.n_langs >= MAX_ATTRS:
            raise Delegate()
        buf_putc(b, 44)
    else:
        o.n_langs = 0
        _open_field(cs, b, o, 2)
    o.langs[o.n_langs] = lang
    o.n_langs += 1
    _put_string(b, lang)
    buf_putc(b, 58)  # :
    _put_text(b, c)
    return True


cdef bint _put_text_child(ChildSpec* cs, xmlNode* c, Buf* b, Obj* o) except -1:
    """A text-only child; False when Python keeps it verbatim (it has children or attributes)."""
    if _has_items(c) or not _no_attrs(c):
        return False
    if cs.index == o.last:
        if cs.code == CHILD_TEXT_ONE:
            raise Delegate()
        buf_putc(b, 44)
    else:
        _open_field(cs, b, o, 1 if cs.code == CHILD_TEXT_MANY else 0)
    _put_text_scalar(b, cs.mode, <object> cs.target, c)
    return True


cdef const_xmlChar* _narrative_lang_raw(xmlNode* c) except? NULL:
    """A narrative's language as the attribute's bytes: "" for no attribute, NULL where the typed
    mapper keeps the narrative verbatim (another attribute, or an empty ``xml:lang``)."""
    cdef xmlAttr* a = c.properties
    cdef const_xmlChar* v
    if a is NULL:
        return <const_xmlChar*> b""
    if a.next is not NULL or a.ns is NULL or a.ns.href is NULL:
        return NULL
    if strcmp(<const char*> a.name, "lang") != 0 or strcmp(<const char*> a.ns.href, XML_NS_HREF) != 0:
        return NULL
    v = _attr_value(a)
    if v[0] == 0:
        return NULL
    return v


def activity_json(NativePlan plan, cetree._Element element):
    """The JSON line of one ``iati-activity`` element's record — the bytes ``orjson.dumps`` writes for
    :func:`activity_record`'s result — or None when orjson would refuse a value in it."""
    cdef Buf b
    cdef bint took = buf_begin(&_spare, &b)
    try:
        try:
            _json(plan, element._doc, element._c_node, &b)
        except NotJson:
            return None
        return PyBytes_FromStringAndSize(b.data, b.length)
    finally:
        buf_end(&_spare, &b, took)
