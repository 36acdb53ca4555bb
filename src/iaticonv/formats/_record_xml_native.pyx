# cython: language_level=3, boundscheck=False, wraparound=False
"""Record (parsed JSON line) → IATI XML bytes, compiled: the generated writers of :mod:`.record_xml_gen`
for pre-escaped records (the ``ESCAPED`` variant), as one C walk over the dicts.

Why this exists: the generated Python writers spend their time on dictionary reads, type tests and
f-strings, one Python operation each, ~100 elements per activity. Here the same steps run in C and
append UTF-8 straight into one buffer, so an activity becomes one ``bytes`` without a list of pieces.

It is a faster copy of the generated writers, never a second definition of what they write: each
plan carries the generated writer of its element, and whatever this walk does not handle itself (an
attribute in another namespace, an ``order`` hint, extra keys it would need Python's rules for) is
handed to that writer, whose text stands in its place. Anything wrong in the record raises
``Decline``, exactly where the generated writer would decline the record (the caller then takes the
typed path). Tests compare both writers' bytes on every real file and on generated and broken records.
"""

from cpython.ref cimport PyObject
from cpython.dict cimport PyDict_GetItem, PyDict_Size, PyDict_Next
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.stdlib cimport free, malloc
from libc.string cimport memchr, strstr

from iaticonv.formats._native_buffer cimport Buf, Spare, buf_begin, buf_end, buf_put, buf_putc

cdef Spare _spare  # a C static: starts zeroed (no buffer yet, not busy)

cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object unicode, Py_ssize_t* size) except NULL

cdef enum:
    CHILD_ONE = 0
    CHILD_MANY = 1
    CHILD_NARR = 2
    CHILD_TEXT_ONE = 3
    CHILD_TEXT_MANY = 4
    ATTR_PLAIN = 0       # a plain or xml: attribute: written as ' name="value"'
    ATTR_FOREIGN = 1     # another namespace: the generated writer names it (delegated)


class Delegate(Exception):
    """Internal: this element is for its generated writer (never escapes this module)."""


cdef struct AttrSpec:
    PyObject* key        # record key
    PyObject* convert    # non-string value → text (None: strings only)
    const char* head     # ' name="'
    Py_ssize_t head_len
    int kind


cdef struct ChildSpec:
    PyObject* key
    int code
    PyObject* target     # the child's WriterPlan (ONE/MANY) or its value → text rule (text children)
    const char* open     # '<pad><tag>' for text children, '<pad><narrative' for narratives
    Py_ssize_t open_len
    const char* close    # '</tag>' for text children
    Py_ssize_t close_len


cdef class WriterPlan:
    """One generated writer (class, tag, depth, indentation) in C arrays: built once by record_xml_native."""

    cdef AttrSpec* attrs
    cdef int n_attrs
    cdef ChildSpec* children
    cdef int n_children
    cdef object fallback        # the generated writer: fallback(d, out, ns, q)
    cdef object base_keys       # record_xml.base_keys
    cdef object known           # frozenset of the keys base_keys accepts
    cdef object as_text         # record_xml.as_text
    cdef object decline         # the Decline class
    cdef object text_key
    cdef object text_convert
    cdef bint has_text
    cdef bint attributes_only   # no text field, no child fields
    cdef bytes start            # '<pad><tag'
    cdef bytes close            # '<pad></tag>' (the pad only when the element has child fields)
    cdef bytes pad              # the children's indentation ('' for an element with text)
    cdef list keep

    def __cinit__(self):
        self.attrs = NULL
        self.children = NULL
        self.keep = []

    def __dealloc__(self):
        free(self.attrs)
        free(self.children)

    def __init__(self, fallback, base_keys, known, as_text, decline, start, close, pad, attrs, text):
        """``attrs``: (key, ' name="' or None for another namespace, convert or None); ``text``:
        (key, convert or None) or None. Children come later, with :meth:`set_children`."""
        self.fallback, self.base_keys, self.known = fallback, base_keys, known
        self.as_text, self.decline = as_text, decline
        self.start, self.close, self.pad = start.encode("utf-8"), close.encode("utf-8"), pad.encode("utf-8")
        self.has_text = text is not None
        if text is not None:
            self.text_key, self.text_convert = text
        self.n_attrs = len(attrs)
        self.attrs = <AttrSpec*> malloc(max(1, self.n_attrs) * sizeof(AttrSpec))
        if self.attrs is NULL:
            raise MemoryError()
        for i, (key, head, convert) in enumerate(attrs):
            head_b = b"" if head is None else head.encode("utf-8")
            self.keep.extend((key, convert, head_b))
            self.attrs[i].key = <PyObject*> key
            self.attrs[i].convert = <PyObject*> convert
            self.attrs[i].head = <const char*> head_b
            self.attrs[i].head_len = len(head_b)
            self.attrs[i].kind = ATTR_FOREIGN if head is None else ATTR_PLAIN
        self.n_children = 0
        self.attributes_only = not self.has_text

    def set_children(self, children):
        """``children``: (key, code, target, open, close) in XSD order."""
        self.n_children = len(children)
        self.attributes_only = not self.has_text and not self.n_children
        self.children = <ChildSpec*> malloc(max(1, self.n_children) * sizeof(ChildSpec))
        if self.children is NULL:
            raise MemoryError()
        for i, (key, code, target, open_text, close_text) in enumerate(children):
            open_b, close_b = open_text.encode("utf-8"), close_text.encode("utf-8")
            self.keep.extend((key, target, open_b, close_b))
            self.children[i].key = <PyObject*> key
            self.children[i].code = code
            self.children[i].target = <PyObject*> target
            self.children[i].open = <const char*> open_b
            self.children[i].open_len = len(open_b)
            self.children[i].close = <const char*> close_b
            self.children[i].close_len = len(close_b)


cdef inline int _put_str(Buf* b, object value) except -1:
    cdef Py_ssize_t size
    cdef const char* data = PyUnicode_AsUTF8AndSize(value, &size)
    return buf_put(b, data, size)


cdef object _attr_text(WriterPlan p, AttrSpec* spec, object value):
    """An attribute's value as the generated writer writes it (pre-escaped strings as they are)."""
    if type(value) is str:
        return value
    if <object> spec.convert is None:
        raise p.decline()
    return (<object> spec.convert)(value)


cdef object _text(WriterPlan p, object value, object convert, bint q):
    """An element text as the generated writer writes it: a pre-escaped string turned back to text
    form when the line held escapes (``q``) and the string holds a mark; other values converted."""
    cdef Py_ssize_t size
    cdef const char* data
    if type(value) is str:
        if q:
            data = PyUnicode_AsUTF8AndSize(value, &size)
            if memchr(data, 38, size) is not NULL and (strstr(data, "&#") is not NULL or strstr(data, "&quot;") is not NULL):
                return p.as_text(value)
        return value
    if convert is None:
        raise p.decline()
    return convert(value)


cdef int _delegated(WriterPlan p, object d, Buf* b, object ns, bint q) except -1:
    """The element written by its generated writer (which may decline the record)."""
    out = []
    p.fallback(d, out, ns, q)
    return _put_str(b, "".join(out))


cdef int _write(WriterPlan p, object d, Buf* b, object ns, bint q) except -1:
    cdef Py_ssize_t start = b.length
    try:
        return _walk(p, d, b, ns, q)
    except Delegate:
        b.length = start
        return _delegated(p, d, b, ns, q)


cdef inline bint _has_content(int code, object value):
    """Whether a present child field writes anything (every element writes at least its tag)."""
    if code == CHILD_ONE or code == CHILD_TEXT_ONE:
        return True
    if code == CHILD_NARR:
        return type(value) is not dict or PyDict_Size(value) > 0
    return type(value) is not list or PyList_GET_SIZE(value) > 0


cdef int _walk(WriterPlan p, object d, Buf* b, object ns, bint q) except -1:
    cdef Py_ssize_t n, i, j
    cdef PyObject* found
    cdef AttrSpec* spec
    cdef ChildSpec* cs
    cdef bint empty
    cdef list values
    if type(d) is not dict:
        raise p.decline()
    n = PyDict_Size(d)
    # attributes: checked and converted first, as the generated writer does before its start tag
    attr_values = None
    for i in range(p.n_attrs):
        spec = &p.attrs[i]
        found = PyDict_GetItem(d, <object> spec.key)
        if found is NULL or <object> found is None:
            continue
        n -= 1
        if spec.kind == ATTR_FOREIGN:
            raise Delegate()
        if attr_values is None:
            attr_values = [None] * p.n_attrs
        attr_values[i] = _attr_text(p, spec, <object> found)
    text = None
    if p.has_text:
        found = PyDict_GetItem(d, p.text_key)
        if found is not NULL and <object> found is not None:
            n -= 1
            text = <object> found
    children = None
    if p.n_children:
        children = [None] * p.n_children
        for i in range(p.n_children):
            found = PyDict_GetItem(d, <object> p.children[i].key)
            if found is not NULL and <object> found is not None:
                n -= 1
                children[i] = <object> found
    extra = None
    ex = None
    if n:
        extra, ex, order = p.base_keys(d, p.known, ns, [], True)
        if order is not None:
            raise Delegate()  # children in the order the input had: the generated writer's order path
    if text is not None:
        text = _text(p, text, p.text_convert, q)

    buf_put(b, <const char*> p.start, len(p.start))
    if attr_values is not None:
        for i in range(p.n_attrs):
            value = attr_values[i]
            if value is not None:
                spec = &p.attrs[i]
                buf_put(b, spec.head, spec.head_len)
                _put_str(b, value)
                buf_putc(b, 34)
    if extra:
        _put_str(b, extra)
    if p.attributes_only and ex is None:
        buf_put(b, b"/>", 2)
        return 0
    empty = text is None and not ex
    if empty and children is not None:
        for i in range(p.n_children):
            value = children[i]
            if value is not None and _has_content(p.children[i].code, value):
                empty = False
                break
    if empty:
        buf_put(b, b"/>", 2)
        return 0
    buf_putc(b, 62)  # >
    if text is not None:
        _put_str(b, text)
    if children is not None:
        for i in range(p.n_children):
            value = children[i]
            if value is None:
                continue
            cs = &p.children[i]
            if cs.code == CHILD_ONE:
                _write(<WriterPlan> cs.target, value, b, ns, q)
            elif cs.code == CHILD_MANY:
                if type(value) is not list:
                    raise p.decline()
                values = <list> value
                for j in range(PyList_GET_SIZE(values)):
                    _write(<WriterPlan> cs.target, <object> PyList_GET_ITEM(values, j), b, ns, q)
            elif cs.code == CHILD_NARR:
                _narratives(p, cs, value, b, q)
            elif cs.code == CHILD_TEXT_ONE:
                _text_child(p, cs, value, b, q)
            else:
                if type(value) is not list:
                    raise p.decline()
                values = <list> value
                for j in range(PyList_GET_SIZE(values)):
                    _text_child(p, cs, <object> PyList_GET_ITEM(values, j), b, q)
    if ex:
        for item_text in ex:
            buf_put(b, <const char*> p.pad, len(p.pad))
            _put_str(b, item_text)
    buf_put(b, <const char*> p.close, len(p.close))
    return 0


cdef int _text_child(WriterPlan p, ChildSpec* cs, object value, Buf* b, bint q) except -1:
    value = _text(p, value, <object> cs.target, q)
    buf_put(b, cs.open, cs.open_len)
    _put_str(b, value)
    buf_put(b, cs.close, cs.close_len)
    return 0


cdef int _narratives(WriterPlan p, ChildSpec* cs, object value, Buf* b, bint q) except -1:
    cdef Py_ssize_t position = 0
    cdef PyObject* key
    cdef PyObject* item
    if type(value) is not dict:
        raise p.decline()
    while PyDict_Next(value, &position, &key, &item):
        text = _text(p, <object> item, None, q)
        lang = <object> key
        buf_put(b, cs.open, cs.open_len)  # '<pad><narrative'
        if lang:
            if type(lang) is not str:
                raise p.decline()
            buf_put(b, b' xml:lang="', 11)
            _put_str(b, lang)
            buf_put(b, b'">', 2)
        else:
            buf_putc(b, 62)
        _put_str(b, text)
        buf_put(b, b"</narrative>", 12)
    return 0


def write_activity(WriterPlan plan, d, ns, bint q):
    """The XML of one pre-escaped activity record, as UTF-8: what the generated writer appends,
    joined and encoded. Raises Decline (or any error) where the generated writer would."""
    cdef Buf b
    cdef bint took = buf_begin(&_spare, &b)
    try:
        _write(plan, d, &b, ns, q)
        return PyBytes_FromStringAndSize(b.data, b.length)
    finally:
        buf_end(&_spare, &b, took)
