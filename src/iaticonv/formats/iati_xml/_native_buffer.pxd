# cython: language_level=3
"""A growable byte buffer for the compiled writers (``_xml_record_native``, ``_record_xml_native``).

Both build one activity's output as UTF-8 bytes and hand it to Python as one ``bytes`` object; the
buffer lives in C memory so appending costs a ``memcpy``, not a Python object per piece.
"""

from libc.stdlib cimport free, realloc
from libc.string cimport memcpy


cdef struct Buf:
    char* data
    Py_ssize_t length
    Py_ssize_t capacity


cdef inline int buf_grow(Buf* b, Py_ssize_t extra) except -1:
    cdef Py_ssize_t wanted = b.length + extra
    cdef Py_ssize_t capacity = b.capacity if b.capacity else 16384
    cdef char* bigger
    while capacity < wanted:
        capacity *= 2
    bigger = <char*> realloc(b.data, capacity)
    if bigger is NULL:
        raise MemoryError()
    b.data = bigger
    b.capacity = capacity
    return 0


cdef inline int buf_put(Buf* b, const char* s, Py_ssize_t n) except -1:
    if b.length + n > b.capacity:
        buf_grow(b, n)
    memcpy(b.data + b.length, s, n)
    b.length += n
    return 0


cdef inline int buf_putc(Buf* b, char ch) except -1:
    if b.length + 1 > b.capacity:
        buf_grow(b, 1)
    b.data[b.length] = ch
    b.length += 1
    return 0


cdef struct Spare:
    Buf buf       # one activity's output buffer, kept between calls (no 16 KB malloc and free each time)
    bint busy     # a call is using it (a re-entrant call then takes a fresh buffer)


cdef inline bint buf_begin(Spare* spare, Buf* b) except -1:
    """Start an activity's buffer: the spare one when free, else a fresh one. Returns whether the
    spare was taken (hand it to :func:`buf_end`)."""
    cdef bint took = not spare.busy
    if took:
        spare.busy = True
        b[0] = spare.buf
    else:
        b.data = NULL
        b.capacity = 0
    b.length = 0
    if b.capacity == 0:
        buf_grow(b, 16384)
    return took


cdef inline void buf_end(Spare* spare, Buf* b, bint took) noexcept:
    """Give the buffer back: kept as the spare unless an outsized activity grew it past 4 MB (then
    freed, so memory stays flat); a fresh one is freed."""
    if took and b.capacity <= 4 * 1024 * 1024:
        spare.buf = b[0]
        spare.buf.length = 0
    else:
        free(b.data)
        if took:
            spare.buf.data = NULL
            spare.buf.capacity = 0
            spare.buf.length = 0
    if took:
        spare.busy = False
