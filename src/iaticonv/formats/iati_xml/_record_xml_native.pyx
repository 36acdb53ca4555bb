# cython: language_level=3, boundscheck=False, wraparound=False
"""Record (a parsed JSON line) → IATI XML bytes, compiled: one C walk over the record's dicts.

Why this exists: the typed path builds one dataclass per element (:func:`..records.record.node_from_record`)
and walks it again to write text (:func:`._typed_write.node_to_xml`), ~100 elements per activity,
each a handful of Python operations. Here the same steps run in C, escape each value while copying
it, and append UTF-8 straight into one buffer, so an activity becomes one ``bytes``.

It holds no mapping of its own. Its plans (:mod:`._record_xml_plans`) are built from the model's
metadata plans (record keys, XML names, children in XSD order, the model's ``Kind`` read by
``_native_fields.child_shape``), each with the typed writer of its element as fallback: an element
with an ``order`` hint or a typed attribute in another namespace is written by it. Values it would
have to judge (non-string scalars, verbatim extras, namespaced attribute names) go to the typed rules
in Python. Anything wrong, or a character XML 1.0 cannot carry, raises ``Decline``: the caller takes
the typed path for the whole record, whose output or error is the answer. Tests compare both on
real, generated and broken records.
"""

from cpython.ref cimport PyObject
from cpython.dict cimport PyDict_GetItem, PyDict_Size, PyDict_Next
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.bytes cimport PyBytes_FromStringAndSize
from libc.stdlib cimport free, malloc
from libc.string cimport memset

from iaticonv.formats.iati_xml._native_buffer cimport Buf, Spare, buf_begin, buf_end, buf_put, buf_putc
from iaticonv.formats.iati_xml._native_fields cimport CHILD_MANY, CHILD_NARR, CHILD_ONE, CHILD_TEXT_ONE, child_shape

cdef Spare _spare  # a C static: starts zeroed (no buffer yet, not busy)

cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object unicode, Py_ssize_t* size) except NULL

cdef extern from "lxml-version.h":
    const char* LXML_VERSION_STRING

# The lxml next to which this module was built (the loader compares it; the walk itself reads no lxml).
BUILT_WITH_LXML = LXML_VERSION_STRING.decode("ascii")

cdef enum:
    MAX_CHILDREN = 64
    # How a string is copied into the XML.
    AS_ATTR = 0   # escaped as escape_attr does
    AS_TEXT = 1   # escaped as escape_text does
    AS_IS = 2     # unchanged (verbatim XML, names)


class Decline(Exception):
    """This record is not for the compiled walk: the typed path decides what it gives."""


class Delegate(Exception):
    """Internal: this element is for its typed writer (never escapes this module)."""


cdef struct AttrSpec:
    PyObject* key        # record key
    PyObject* text_of    # non-string value → its text (the typed rule)
    const char* head     # ' name="'; NULL for a namespace the writer names (delegated)
    Py_ssize_t head_len


cdef struct ChildSpec:
    PyObject* key
    int code
    PyObject* target     # the child's WriterPlan (ONE/MANY) or its value → text rule (text children)
    const char* open     # '<tag>' for text children
    Py_ssize_t open_len
    const char* close    # '</tag>' for text children
    Py_ssize_t close_len


cdef class WriterPlan:
    """One element (model class and tag) in C arrays: built once by record_xml_native."""

    cdef AttrSpec* attrs
    cdef int n_attrs
    cdef ChildSpec* children
    cdef int n_children
    cdef object typed           # typed(record, ns, depth) → the element's XML by the typed writer
    cdef object check_verbatim  # raises on a verbatim extra the typed reader refuses
    cdef object text_key
    cdef object text_of
    cdef bint has_text
    cdef bytes start            # '<tag'
    cdef bytes close            # '</tag>'
    cdef list keep

    def __cinit__(self):
        self.keep = []  # owns every object the C arrays point to (the arrays start NULL: zeroed memory)

    def __dealloc__(self):
        free(self.attrs)
        free(self.children)

    def __init__(self, typed, check_verbatim, tag, attrs, text):
        """``attrs``: (key, ' name="' or None for another namespace, text_of); ``text``: (key,
        text_of) or None. Children come later, with :meth:`set_children`."""
        self.typed, self.check_verbatim = typed, check_verbatim
        self.start, self.close = f"<{tag}".encode("utf-8"), f"</{tag}>".encode("utf-8")
        self.has_text = text is not None
        if text is not None:
            self.text_key, self.text_of = text
        self.n_attrs = len(attrs)
        self.attrs = <AttrSpec*> malloc(max(1, self.n_attrs) * sizeof(AttrSpec))
        if self.attrs is NULL:
            raise MemoryError()
        for i, (key, head, text_of) in enumerate(attrs):
            head_b = None if head is None else head.encode("utf-8")
            self.keep.extend((key, text_of, head_b))
            self.attrs[i].key = <PyObject*> key
            self.attrs[i].text_of = <PyObject*> text_of
            self.attrs[i].head = NULL if head_b is None else <const char*> head_b
            self.attrs[i].head_len = 0 if head_b is None else len(head_b)
        self.n_children = 0

    def set_children(self, children):
        """``children``: (key, the model's Kind, many, target, XML tag) in XSD order; ``target`` is the
        child's plan, or the value → text rule of a text child."""
        if len(children) > MAX_CHILDREN:
            raise ValueError("more child fields than the walk holds")
        self.n_children = len(children)
        self.children = <ChildSpec*> malloc(max(1, self.n_children) * sizeof(ChildSpec))
        if self.children is NULL:
            raise MemoryError()
        for i, (key, kind, many, target, tag) in enumerate(children):
            open_b, close_b = f"<{tag}>".encode("utf-8"), f"</{tag}>".encode("utf-8")
            self.keep.extend((key, target, open_b, close_b))
            self.children[i].key = <PyObject*> key
            self.children[i].code = child_shape(kind, many)
            self.children[i].target = <PyObject*> target
            self.children[i].open = <const char*> open_b
            self.children[i].open_len = len(open_b)
            self.children[i].close = <const char*> close_b
            self.children[i].close_len = len(close_b)


cdef char _SPACES[256]
memset(_SPACES, 32, 256)


cdef int _pad(Buf* b, Py_ssize_t depth) except -1:
    """A newline and the indentation of ``depth`` (two spaces a level), as the typed writer pads."""
    cdef Py_ssize_t n = 2 * depth
    buf_putc(b, 10)
    while n > 256:
        buf_put(b, _SPACES, 256)
        n -= 256
    return buf_put(b, _SPACES, n)


cdef inline const char* _entity(unsigned char ch, int how) noexcept:
    """The entity the typed writer puts for ``ch`` (escape_attr / escape_text), or NULL."""
    if ch == 38: return b"&amp;"
    if ch == 60: return b"&lt;"
    if ch == 62: return b"&gt;"
    if ch == 13: return b"&#13;"
    if how == AS_ATTR:
        if ch == 34: return b"&quot;"
        if ch == 10: return b"&#10;"
        if ch == 9: return b"&#9;"
    return NULL


cdef int _put(Buf* b, object value, int how) except -1:
    """Copy the string ``value`` as UTF-8, escaped as ``how`` says; Decline on a character XML 1.0
    cannot carry (the typed path names it in its error)."""
    cdef Py_ssize_t size
    cdef const unsigned char* p = <const unsigned char*> PyUnicode_AsUTF8AndSize(value, &size)
    cdef const unsigned char* end = p + size
    cdef const unsigned char* run = p
    cdef const char* entity
    cdef unsigned char ch
    while p < end:
        ch = p[0]
        if ch >= 0x3F and ch != 0xEF:  # no character to escape or refuse starts with these bytes
            p += 1
            continue
        if ch < 0x20 and ch != 9 and ch != 10 and ch != 13:
            raise Decline()
        if ch == 0xEF and end - p >= 3 and p[1] == 0xBF and (p[2] == 0xBE or p[2] == 0xBF):
            raise Decline()  # U+FFFE, U+FFFF
        entity = NULL if how == AS_IS else _entity(ch, how)
        if entity is not NULL:
            buf_put(b, <const char*> run, p - run)
            buf_put(b, entity, len(entity))
            run = p + 1
        p += 1
    return buf_put(b, <const char*> run, p - run)


cdef inline int _put_value(Buf* b, object value, object text_of, int how) except -1:
    """A scalar field's value: a string as it is (a scalar keeps its lexical form), else its text by
    the typed rule."""
    if type(value) is str:
        return _put(b, value, how)
    return _put(b, text_of(value), how)


cdef int _write(WriterPlan p, object d, Buf* b, object ns, Py_ssize_t depth) except -1:
    """Append the XML of record ``d`` as ``p``'s element at ``depth`` (the parent wrote the pad)."""
    cdef Py_ssize_t start = b.length
    try:
        return _walk(p, d, b, ns, depth)
    except Delegate:
        b.length = start
        return _put(b, p.typed(d, ns, depth), AS_IS)


cdef int _walk(WriterPlan p, object d, Buf* b, object ns, Py_ssize_t depth) except -1:
    cdef Py_ssize_t n, i, mark
    cdef PyObject* found
    cdef PyObject* values[MAX_CHILDREN]
    cdef AttrSpec* spec
    cdef bint kids
    if type(d) is not dict:
        raise Decline()
    n = PyDict_Size(d)
    buf_put(b, <const char*> p.start, len(p.start))
    for i in range(p.n_attrs):
        spec = &p.attrs[i]
        found = PyDict_GetItem(d, <object> spec.key)
        if found is NULL:
            continue
        n -= 1
        if <object> found is None:
            continue
        if spec.head is NULL:
            raise Delegate()
        buf_put(b, spec.head, spec.head_len)
        _put_value(b, <object> found, <object> spec.text_of, AS_ATTR)
        buf_putc(b, 34)
    text = None
    if p.has_text:
        found = PyDict_GetItem(d, p.text_key)
        if found is not NULL:
            n -= 1
            text = <object> found
    for i in range(p.n_children):
        values[i] = PyDict_GetItem(d, <object> p.children[i].key)
        if values[i] is not NULL:
            n -= 1
    extras = None
    if n:
        extras = _base_keys(p, d, b, ns, n)
    mark = b.length
    buf_putc(b, 62)  # >
    if text is not None:
        _put_value(b, text, p.text_of, AS_TEXT)
    kids = _children(p, values, b, ns, depth + 1)
    if extras:
        kids = True
        for item in extras:
            if not p.has_text:
                _pad(b, depth + 1)
            _put(b, item, AS_IS)
    if text is None and not kids:  # no body: an empty element
        b.length = mark
        buf_put(b, b"/>", 2)
        return 0
    if kids and not p.has_text:
        _pad(b, depth)
    buf_put(b, <const char*> p.close, len(p.close))
    return 0


cdef object _base_keys(WriterPlan p, object d, Buf* b, object ns, Py_ssize_t n):
    """The keys beyond the typed fields: ``extra_attrs`` written into the start tag (then the
    namespace declarations they need), ``extras`` checked and returned; an ``order`` hint sends the
    element to its typed writer, any other key declines the record."""
    cdef PyObject *found, *key, *value
    cdef Py_ssize_t position = 0, size
    cdef const char* name
    extras = None
    if PyDict_GetItem(d, "order") is not NULL: raise Delegate()  # the input's child order: typed writer
    found = PyDict_GetItem(d, "extra_attrs")
    if found is not NULL:
        n -= 1
        attrs = <object> found
        if type(attrs) is not dict:
            raise Decline()
        decls = None
        while PyDict_Next(attrs, &position, &key, &value):
            if type(<object> key) is not str or type(<object> value) is not str:
                raise Decline()
            name = PyUnicode_AsUTF8AndSize(<object> key, &size)
            buf_putc(b, 32)
            if size and name[0] != 123:  # a plain name, written as the typed writer writes it
                _put(b, <object> key, AS_IS)
            else:  # {namespace}local (or no name at all): the namespace context names it
                if decls is None:
                    decls = []
                _put(b, ns.attr_name(<object> key, decls), AS_IS)
            buf_put(b, b'="', 2)
            _put(b, <object> value, AS_ATTR)
            buf_putc(b, 34)
        if decls:
            _put(b, "".join(decls), AS_IS)
    found = PyDict_GetItem(d, "extras")
    if found is not NULL:
        n -= 1
        extras = <object> found
        if type(extras) is not list:
            raise Decline()
        for item in extras:
            if type(item) is not str:
                raise Decline()
            p.check_verbatim(item)
    if n:
        raise Decline()  # a key the record cannot hold
    return extras


cdef bint _children(WriterPlan p, PyObject** values, Buf* b, object ns, Py_ssize_t depth) except -1:
    """The child fields in XSD order; returns whether any element was written."""
    cdef ChildSpec* cs
    cdef PyObject *lang, *item
    cdef Py_ssize_t i, j, position
    cdef bint wrote = False
    cdef bint padded = not p.has_text
    for i in range(p.n_children):
        if values[i] is NULL or <object> values[i] is None:
            continue
        value = <object> values[i]
        cs = &p.children[i]
        if cs.code == CHILD_ONE:
            if padded:
                _pad(b, depth)
            _write(<WriterPlan> cs.target, value, b, ns, depth)
            wrote = True
        elif cs.code == CHILD_NARR:
            if type(value) is not dict:
                raise Decline()
            position = 0
            while PyDict_Next(value, &position, &lang, &item):
                if type(<object> item) is not str or type(<object> lang) is not str:
                    raise Decline()
                if padded:
                    _pad(b, depth)
                if <object> lang:
                    buf_put(b, b'<narrative xml:lang="', 21)
                    _put(b, <object> lang, AS_ATTR)
                    buf_put(b, b'">', 2)
                else:
                    buf_put(b, b"<narrative>", 11)
                _put(b, <object> item, AS_TEXT)
                buf_put(b, b"</narrative>", 12)
                wrote = True
        elif cs.code == CHILD_TEXT_ONE:
            if padded:
                _pad(b, depth)
            _text_child(cs, value, b)
            wrote = True
        else:  # CHILD_MANY, CHILD_TEXT_MANY
            if type(value) is not list:
                raise Decline()
            for j in range(PyList_GET_SIZE(value)):
                item = PyList_GET_ITEM(value, j)
                if padded:
                    _pad(b, depth)
                if cs.code == CHILD_MANY:
                    _write(<WriterPlan> cs.target, <object> item, b, ns, depth)
                else:
                    _text_child(cs, <object> item, b)
                wrote = True
    return wrote


cdef int _text_child(ChildSpec* cs, object value, Buf* b) except -1:
    buf_put(b, cs.open, cs.open_len)
    _put_value(b, value, <object> cs.target, AS_TEXT)
    buf_put(b, cs.close, cs.close_len)
    return 0


def write_activity(WriterPlan plan, d, ns):
    """The XML of one activity record as UTF-8, newline and indentation first: what the typed path's
    ``activity_xml`` writes. Raises Decline (or any error) where the typed path must decide."""
    cdef Buf b
    cdef bint took = buf_begin(&_spare, &b)
    try:
        _pad(&b, 1)
        _write(plan, d, &b, ns, 1)
        return PyBytes_FromStringAndSize(b.data, b.length)
    finally:
        buf_end(&_spare, &b, took)
