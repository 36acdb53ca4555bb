# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Dates as the date tests read them: the bounds, in days, of the instant an ISO date text stands for.

The Python rule (``_rule_xpath.parse_date``) is the reference: a text read here is read as it reads it,
and anything else is ``DATE_UNSURE`` (the context is selected). ``_may_be_after`` reads the leading
date of iaticonv's own check 2001.1.* the same way (``_dates.leading_date`` is its reference). Inline
functions of ``_rule_native``.
"""

from lxml.includes.tree cimport xmlNode

from iaticonv.validate.layers._rule_native cimport DATE_MISSING, DATE_UNSURE, Path, Values
from iaticonv.validate.layers._rule_read cimport _attr_text, _collect, _first_child, _trimmed


cdef inline int _digit(char c):
    return c - 48 if 48 <= c <= 57 else -1


cdef inline int _month_days(int year, int month):
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month == 4 or month == 6 or month == 9 or month == 11 else 31


cdef inline long _day_number(int year, int month, int day):
    """Days since 0000-03-01 of a proleptic Gregorian date (only differences are used)."""
    cdef int y = year - (1 if month <= 2 else 0)
    cdef int era = y // 400
    cdef int yoe = y - era * 400
    cdef int mp = (month + 9) % 12
    cdef int doy = (153 * mp + 2) // 5 + day - 1
    cdef int doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe


cdef inline int _date(const char* text, long* low, long* high):
    """Bounds, in days, of the instant an ISO date text stands for, as the Python rule reads it:
    ``YYYY-MM-DD`` is that day's midnight (low = high); followed by ``T`` or a space and a time, the
    instant lies within the day (high = low + 1), or within a day either side when the rest holds a
    ``+``/``-`` (a UTC offset is less than a day). DATE_UNSURE for anything else."""
    cdef Py_ssize_t n
    cdef const char* s = _trimmed(text, &n)
    cdef Py_ssize_t i
    cdef int year, month, day, d
    cdef bint offset = False
    if n < 10 or s[4] != 45 or s[7] != 45:
        return DATE_UNSURE
    for i in range(n):
        if <unsigned char>s[i] >= 128:
            return DATE_UNSURE
    if n > 10:
        if s[10] != 84 and s[10] != 32:  # 'T' or a space: the time follows
            return DATE_UNSURE
        for i in range(11, n):
            if s[i] == 43 or s[i] == 45:
                offset = True
    year = month = day = 0
    for i in range(4):
        d = _digit(s[i])
        if d < 0:
            return DATE_UNSURE
        year = year * 10 + d
    for i in range(5, 7):
        d = _digit(s[i])
        if d < 0:
            return DATE_UNSURE
        month = month * 10 + d
    for i in range(8, 10):
        d = _digit(s[i])
        if d < 0:
            return DATE_UNSURE
        day = day * 10 + d
    if year < 1 or month < 1 or month > 12 or day < 1 or day > _month_days(year, month):
        return DATE_UNSURE
    low[0] = _day_number(year, month, day)
    high[0] = low[0]
    if n > 10:
        high[0] = low[0] + 1
        if offset:
            low[0] -= 1
            high[0] += 1
    return 0


cdef inline int _first_date(xmlNode* context, Path* path, long today, long* low, long* high):
    """The bounds of the first date ``path`` finds (0), or DATE_MISSING, or DATE_UNSURE."""
    cdef Values found
    if path.now:  # "now" is some instant of today (UTC)
        low[0] = today
        high[0] = today + 1
        return 0
    found.count = 0
    found.unsure = False
    _collect(context, path, 0, &found, True)
    if found.unsure:
        return DATE_UNSURE
    if found.count == 0:
        return DATE_MISSING
    return _date(found.text[0], low, high)


cdef inline bint _may_be_after(xmlNode* transaction, const char* child_name, const char* attribute, long today):
    """Whether the leading date of ``child/@attribute`` (the first such child) may be after ``today``,
    as ``_dates.leading_date`` reads it: the first ten characters of the stripped value. Anything
    this does not read as a plain ``YYYY-MM-DD`` start counts as maybe."""
    cdef xmlNode* child = _first_child(transaction, child_name)
    cdef bint found = False
    cdef bint unreadable = False
    cdef const char* value
    cdef char head[11]
    cdef long low = 0
    cdef long high = 0
    cdef int i
    cdef Py_ssize_t n
    if child is NULL:
        return False
    value = _attr_text(child, attribute, &found, &unreadable)
    if not found:
        return False
    if unreadable:
        return True
    value = _trimmed(value, &n)
    if n < 10:
        return True
    for i in range(10):
        head[i] = value[i]
    head[10] = 0
    if _date(head, &low, &high) != 0:
        return True
    return low > today
