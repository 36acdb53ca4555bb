# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""What each op of a plan selects (``Op``): the tests of ``_rule_types.TESTS`` over the values read.

Each test is true whenever the context may fail its case, and also whenever a value was not read
with certainty; the Python rule then decides. Inline functions of ``_rule_native``.
"""

from libc.math cimport NAN, fabs
from libc.string cimport memcpy, strcmp, strlen, strncmp
from lxml.includes.tree cimport xmlNode

from iaticonv.validate.layers._rule_native cimport (
    CAP, DATE_MISSING, DATE_UNSURE, OP_CHARS, OP_DATE_ORDER, OP_EXISTS, OP_MANY, OP_NO_SPACES, OP_NONE, OP_ORG_PREFIX,
    OP_RANGE, OP_STARTS, OP_STRICT_SUM, OP_SUM, OP_TIME_LIMIT, OP_UNIQUE, Test, Values,
)
from iaticonv.validate.layers._rule_dates cimport _first_date
from iaticonv.validate.layers._rule_read cimport _collect, _plain_decimal


cdef inline bint _space_code(unsigned int c):
    """Whether Python's ``str.isspace`` is true for this code point (0x1c-0x1f cannot occur in XML)."""
    if c < 128:
        return c == 32 or (9 <= c <= 13) or (28 <= c <= 31)
    return (c == 0x85 or c == 0xA0 or c == 0x1680 or (0x2000 <= c <= 0x200A) or c == 0x2028 or c == 0x2029
            or c == 0x202F or c == 0x205F or c == 0x3000)


cdef inline unsigned int _code_at(const unsigned char* s):
    """The code point of the UTF-8 sequence at ``s`` (libxml2's text is valid UTF-8)."""
    if s[0] < 0x80:
        return s[0]
    if s[0] < 0xE0:
        return ((s[0] & 0x1F) << 6) | (s[1] & 0x3F)
    if s[0] < 0xF0:
        return ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F)
    return ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F)


cdef inline bint _spaced(const char* text):
    """Whether the text starts or ends with a character ``str.strip()`` removes."""
    cdef const unsigned char* s = <const unsigned char*>text
    cdef Py_ssize_t n = strlen(text)
    cdef Py_ssize_t last
    if n == 0:
        return False
    last = n - 1
    while last > 0 and (s[last] & 0xC0) == 0x80:
        last -= 1
    return _space_code(_code_at(s)) or _space_code(_code_at(s + last))



cdef inline bint _has_any(const char* text, const char* chars):
    cdef const char* c = text
    cdef const char* k
    while c[0] != 0:
        k = chars
        while k[0] != 0:
            if c[0] == k[0]:
                return True
            k += 1
        c += 1
    return False


cdef inline bint _outside(const char* text, double low, double high):
    """True unless ``text`` is a plain decimal in [low, high] (the range rule then passes)."""
    cdef double value = NAN
    if _plain_decimal(text, &value) == 0:
        return True
    return not (low <= value <= high)


cdef inline bint _known_prefix(const char* text, const char** known, int count):
    """Whether the agency prefix of ``text`` is in ``known`` (sorted), as the Python rule takes it:
    the text up to its second '-' (all of it when it has one '-'), or the text and a '-' when it has
    none. A prefix too long to copy is not known (the context is selected)."""
    cdef char prefix[256]
    cdef Py_ssize_t n = strlen(text)
    cdef Py_ssize_t i, end = n
    cdef int dashes = 0
    cdef int low = 0, high = count - 1, middle, order
    for i in range(n):
        if text[i] == 45:
            dashes += 1
            if dashes == 2:
                end = i
                break
    if end + 2 > 256:
        return False
    memcpy(prefix, text, end)
    if dashes == 0:
        prefix[end] = 45
        end += 1
    prefix[end] = 0
    while low <= high:
        middle = (low + high) // 2
        order = strcmp(prefix, known[middle])
        if order == 0:
            return True
        if order < 0:
            high = middle - 1
        else:
            low = middle + 1
    return False


cdef inline bint run_test(Test* t, xmlNode* context):
    """Whether the context may fail by the plan's op (its condition already holds)."""
    cdef Values found
    cdef Values starts
    cdef int i, j, k
    cdef int first, second
    cdef long low1, high1, low2, high2
    cdef bint matched
    cdef bint counts
    cdef double total
    cdef double value
    found.count = 0
    found.unsure = False
    if t.op == OP_DATE_ORDER or t.op == OP_TIME_LIMIT:
        first = _first_date(context, &t.paths[0], t.today, &low1, &high1)
        second = _first_date(context, &t.paths[1], t.today, &low2, &high2)
        if first == DATE_MISSING or second == DATE_MISSING:
            return False
        if first == DATE_UNSURE or second == DATE_UNSURE:
            return True
        if t.op == OP_DATE_ORDER:  # passes for sure when the first cannot be after the second
            return not (high1 <= low2)
        return high2 - low1 >= 366  # passes for sure when less than 366 days can lie between them
    counts = t.op == OP_EXISTS or t.op == OP_NONE or t.op == OP_MANY
    for i in range(t.n_paths):
        _collect(context, &t.paths[i], 0, &found, not counts)
    if t.op == OP_EXISTS:
        return found.count > 0 or found.unsure
    if t.op == OP_NONE:  # an unsure predicate may have counted a node in
        return found.count == 0 or found.unsure
    if t.op == OP_MANY:
        return found.count > 1 or found.unsure
    if found.unsure or found.count > CAP:
        return found.count > 0 or found.unsure
    if t.op == OP_UNIQUE:
        for i in range(found.count):
            for j in range(i + 1, found.count):
                if strcmp(found.text[i], found.text[j]) == 0:
                    return True
        return False
    if t.op == OP_NO_SPACES:
        for i in range(found.count):
            if _spaced(found.text[i]):
                return True
        return False
    if t.op == OP_CHARS:
        for i in range(found.count):
            if _has_any(found.text[i], t.chars):
                return True
        return False
    if t.op == OP_RANGE:
        for i in range(found.count):
            if _outside(found.text[i], t.low, t.high):
                return True
        return False
    if t.op == OP_SUM or t.op == OP_STRICT_SUM:
        if found.count == 0 and t.op == OP_SUM:
            return False
        total = 0.0
        for i in range(found.count):
            if _plain_decimal(found.text[i], &value) == 0:
                return True
            total += value
        # the rule rounds to 4 decimals: within 1e-9 of the target it passes, whatever the rounding
        return not (fabs(total - t.low) <= 1e-9)
    if t.op == OP_ORG_PREFIX:
        for i in range(found.count):
            if not _known_prefix(found.text[i], t.known, t.n_known):
                return True
        return False
    if t.op == OP_STARTS:
        starts.count = 0
        starts.unsure = False
        for i in range(t.n_prefixes):
            _collect(context, &t.prefixes[i], 0, &starts, True)
        if starts.unsure or starts.count > CAP:
            return True
        for i in range(found.count):
            matched = False
            for j in range(starts.count):
                k = strlen(starts.text[j])
                if (strncmp(found.text[i], starts.text[j], k) == 0
                        and strncmp(found.text[i] + k, t.separator, strlen(t.separator)) == 0):
                    matched = True
                    break
            if not matched:
                return True
        return False
    return True
