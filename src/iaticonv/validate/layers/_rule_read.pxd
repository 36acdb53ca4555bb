# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Reading a plan's paths over libxml2's nodes: attribute and element texts, predicates, numbers.

Every reader here says when it is not sure (an attribute or element whose text is not one plain text
node, an entity reference, a number libxml2 may read otherwise): the caller then selects the context
and leaves it to the Python rule. Paths are freed here too (``_free_paths``). Inline functions of
``_rule_native``, kept apart by job.
"""

from libc.math cimport NAN
from libc.stdlib cimport free
from libc.string cimport strcmp, strlen

from cpython.ref cimport PyObject
from lxml.includes cimport tree
from lxml.includes.tree cimport xmlAttr, xmlNode

from iaticonv.validate._native_nodes cimport same_name
from iaticonv.validate.layers._rule_native cimport (
    CAP, NUMBER_MAX, TEST_ABSENT, TEST_CHILD, TEST_EQUAL, TEST_NOT_EQUAL, TEST_NUMBER, TEST_PRESENT, TEST_UNEQUAL,
    Alternative, Path, Step, Values,
)

cdef extern from "Python.h":
    double PyOS_string_to_double(const char* s, char** endptr, PyObject* overflow_exception) except? -1.0

cdef inline bint _plain_name(xmlNode* node, const char* name):
    return node.type == tree.XML_ELEMENT_NODE and node.ns is NULL and same_name(node.name, name)


cdef inline const char* _attr_text(xmlNode* node, const char* name, bint* found, bint* unsure):
    """The value of the un-namespaced attribute ``name``; sets ``found``; NULL and ``unsure`` when it
    is not one text node."""
    cdef xmlAttr* attr = node.properties
    cdef xmlNode* child
    while attr is not NULL:
        if attr.ns is NULL and same_name(attr.name, name):
            found[0] = True
            child = attr.children
            if child is NULL:
                return b""
            if child.type == tree.XML_TEXT_NODE and child.next is NULL and child.content is not NULL:
                return <const char*>child.content
            unsure[0] = True
            return NULL
        attr = attr.next
    found[0] = False
    return NULL


cdef inline const char* _element_text(xmlNode* node, bint* unsure):
    """The element's string value when it is empty or one text/CDATA node; else NULL and ``unsure``."""
    cdef xmlNode* child = node.children
    if child is NULL:
        return b""
    if ((child.type == tree.XML_TEXT_NODE or child.type == tree.XML_CDATA_SECTION_NODE)
            and child.next is NULL and child.content is not NULL):
        return <const char*>child.content
    unsure[0] = True
    return NULL


cdef inline bint _has_child(xmlNode* node, const char* name, bint* unsure):
    cdef xmlNode* child = node.children
    while child is not NULL:
        if _plain_name(child, name):
            return True
        if child.type == tree.XML_ENTITY_REF_NODE or child.type == tree.XML_XINCLUDE_START:
            unsure[0] = True
        child = child.next
    return False


cdef inline bint _alternative(xmlNode* node, Alternative* test, bint* unsure):
    """One test of a predicate, as XPath means it; an attribute that cannot be read plainly sets
    ``unsure`` (the caller then counts the node in)."""
    cdef bint found = False
    cdef bint unreadable = False
    cdef const char* value
    cdef double number
    if test.kind == TEST_CHILD:
        return _has_child(node, test.value, unsure)
    value = _attr_text(node, test.attr, &found, &unreadable)
    if test.kind == TEST_ABSENT:
        return not found
    if test.kind == TEST_PRESENT:
        return found
    if not found:
        return test.kind == TEST_NOT_EQUAL
    if unreadable:
        unsure[0] = True
        return True
    if test.kind == TEST_EQUAL:
        return strcmp(value, test.value) == 0
    if test.kind == TEST_UNEQUAL or test.kind == TEST_NOT_EQUAL:
        return strcmp(value, test.value) != 0
    number = _xpath_number(value, unsure)
    return (number == test.number) == (test.kind == TEST_NUMBER)  # NaN equals nothing


cdef inline bint _passes(xmlNode* node, Step* step, bint* unsure):
    """Whether ``node`` passes the step's predicate. Whenever a test is unsure, the node passes and
    ``unsure`` is set: a value path then selects its context, a context walk gives the chunk back."""
    cdef int i
    cdef bint any_true = False
    cdef bint doubt = False
    if step.alternatives == 0:
        return True
    for i in range(step.alternatives):
        if _alternative(node, &step.tests[i], &doubt):
            any_true = True
            break
    if doubt:
        unsure[0] = True
        return True
    return any_true != step.negate


cdef inline bint _blank(char c):
    return c == 32 or c == 9 or c == 10 or c == 13


cdef inline const char* _trimmed(const char* text, Py_ssize_t* length):
    """``text`` without the ASCII blanks at either end: its new start, and its length in ``length``."""
    cdef Py_ssize_t n
    while _blank(text[0]):
        text += 1
    n = strlen(text)
    while n > 0 and _blank(text[n - 1]):
        n -= 1
    length[0] = n
    return text


cdef inline int _plain_decimal(const char* text, double* value):
    """Read ASCII blanks, an optional '-', digits with at most one '.', blanks (XPath's number syntax,
    and a plain case of Python's float): 0 for no such number, else how many digits it has. Converted
    by Python's own parser, so bounds compare as the Python rules compare them."""
    cdef char buffer[NUMBER_MAX + 1]
    cdef Py_ssize_t n
    cdef const char* start = _trimmed(text, &n)
    cdef Py_ssize_t i
    cdef int digits = 0
    cdef int points = 0
    if n == 0 or n > NUMBER_MAX:
        return 0
    for i in range(n):
        if 48 <= start[i] <= 57:
            digits += 1
        elif start[i] == 46:
            points += 1
        elif not (start[i] == 45 and i == 0):
            return 0
    if digits == 0 or points > 1:
        return 0
    for i in range(n):
        buffer[i] = start[i]
    buffer[n] = 0
    try:
        value[0] = PyOS_string_to_double(buffer, NULL, NULL)
    except ValueError:
        return 0
    return digits


cdef inline double _xpath_number(const char* text, bint* unsure):
    """``number()`` of a string as libxml2 computes it: the value of a plain decimal, NaN for a text
    without a digit. Anything else (libxml2 also reads exponents, which XPath 1.0 does not have), or
    a number too long to be sure both parsers round it alike, sets ``unsure``."""
    cdef double value = NAN
    cdef int digits = _plain_decimal(text, &value)
    cdef const char* c = text
    if digits == 0:
        while c[0] != 0:
            if 48 <= c[0] <= 57:
                unsure[0] = True
                break
            c += 1
        return NAN
    if digits > 15:
        unsure[0] = True
    return value


cdef inline void _add(Values* out, const char* text):
    if out.count < CAP:
        out.text[out.count] = text
    out.count += 1


cdef inline void _collect(xmlNode* node, Path* path, int depth, Values* out, bint texts):
    """Every value of ``path`` below ``node`` (from step ``depth`` on), in document order; their texts
    only when ``texts`` (a test that only counts values does not care how an element's text is made)."""
    cdef xmlNode* child
    cdef bint found
    cdef bint ignored = False
    cdef const char* text
    if depth == path.steps:
        if path.text_nodes:
            child = node.children
            while child is not NULL:
                if child.type == tree.XML_TEXT_NODE or child.type == tree.XML_CDATA_SECTION_NODE:
                    if child.content is NULL:
                        out.unsure = True
                        _add(out, b"")
                    else:
                        _add(out, <const char*>child.content)
                elif child.type == tree.XML_ENTITY_REF_NODE or child.type == tree.XML_XINCLUDE_START:
                    out.unsure = True
                child = child.next
        elif path.attr is not NULL:
            found = False
            text = _attr_text(node, path.attr, &found, &out.unsure if texts else &ignored)
            if found:
                _add(out, text)
        else:
            _add(out, _element_text(node, &out.unsure) if texts else NULL)
        return
    child = node.children
    while child is not NULL:
        if child.type == tree.XML_ELEMENT_NODE:
            if _plain_name(child, path.step[depth].name) and _passes(child, &path.step[depth], &out.unsure):
                _collect(child, path, depth + 1, out, texts)
        elif child.type == tree.XML_ENTITY_REF_NODE or child.type == tree.XML_XINCLUDE_START:
            out.unsure = True  # content the XPath may see differently
        child = child.next


cdef inline void _free_paths(Path* paths, int count):
    cdef int i, j
    if paths is NULL:
        return
    for i in range(count):
        if paths[i].step is not NULL:
            for j in range(paths[i].steps):
                free(paths[i].step[j].tests)
            free(paths[i].step)
    free(paths)


cdef inline xmlNode* _first_child(xmlNode* node, const char* name):
    cdef xmlNode* child = node.children
    while child is not NULL:
        if _plain_name(child, name):
            return child
        child = child.next
    return NULL
