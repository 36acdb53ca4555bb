# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Ruleset prefilters in C: the contexts of a chunk that may fail a case, read from libxml2's nodes.

Why this exists: libxml's XPath engine spends about 200 ns on every child element a predicate looks
at (it builds a node-set for each step), and each of the ~90 cases of a ruleset looks at most
children of every record; that was about 40 % of a validation. Here a case's plain paths (child
steps with attribute and child-element tests, a final ``@attribute`` or the element's text) are
followed in C over the nodes, and its small expressions (``count(p) > 1``, ``p or q``, ``p = 100``)
evaluated with XPath's conversions. ``chunk_candidates`` takes a chunk record by record, every case
in turn while the record is in the processor's cache: walking it case by case, as the XPaths do,
waited on memory for most of the time.

A prefilter only has to be true for every context that can fail (``rule_prefilter``'s contract):
the Python rule then decides. So this module never decides a case. It selects a context when its
test says the context may fail, and also whenever anything is unusual: an attribute or element whose
text is not one plain text node, an entity reference, a date or number it does not read with
certainty, more values than it keeps. ``rule_native`` and ``rule_expr`` build the plans, only for the
shapes handled here; every other case keeps its XPath. The same reading picks the later transactions
iaticonv's own check 2001.1.* must look at. Tests check on every real file, the schema tests and
grids of awkward values that nothing that fails is left out.
"""

from cpython.ref cimport PyObject
from libc.stdlib cimport free, malloc
from libc.math cimport NAN, fabs
from libc.string cimport memcpy, strcmp, strlen, strncmp

from lxml.includes cimport tree
from lxml.includes.tree cimport xmlAttr, xmlNode
cimport lxml.includes.etreepublic as cetree

from iaticonv.validate._native_nodes cimport same_name

cetree.import_lxml__etree()

BUILT_WITH_LXML = cetree.LXML_VERSION_STRING.decode("ascii")
TEXT_NODES = b"text()"  # a path's final step that selects the element's text nodes
cdef const char* EMPTY = b""

cdef extern from "Python.h":
    double PyOS_string_to_double(const char* s, char** endptr, PyObject* overflow_exception) except? -1.0

cdef enum:
    CAP = 256           # values kept per case; beyond that a case that reads values selects the context
    MAX_CONTEXTS = 32   # context paths of one case (a bit each)
    NUMBER_MAX = 63     # longest number text read here

# What a case's plan tests (the codes of rule_native.OPS).
cdef enum:
    OP_EXISTS = 0        # some value on a path
    OP_NONE = 1          # no value on any path (atleast_one)
    OP_MANY = 2          # more than one value in all (no_more_than_one)
    OP_UNIQUE = 3        # two equal texts
    OP_NO_SPACES = 4     # a text that starts or ends with a space
    OP_CHARS = 5         # a text holding one of the given characters
    OP_RANGE = 6         # a number outside [low, high], or not a plain number
    OP_DATE_ORDER = 7    # the first date of path 0 not before that of path 1 (or now)
    OP_TIME_LIMIT = 8    # more than 365 days from the first date of path 0 to that of path 1
    OP_STARTS = 9        # a text of the paths not starting with one of the prefix texts + separator
    OP_IF_THEN = 10      # the "if" expression true and the "then" expression false (or absent)
    OP_SUM = 11          # the numbers of the paths not summing to ``low`` (no value at all passes)
    OP_STRICT_SUM = 12   # the same, where no value sums to 0
    OP_ORG_PREFIX = 13   # a text whose agency prefix (up to its second '-') is not one of ``known``

# Expression nodes (the codes of rule_native.EXPRESSIONS): XPath 1.0 over the plan's paths.
cdef enum:
    E_PATH = 0       # the node-set of path ``path``
    E_COUNT = 1      # count(path)
    E_NUMBER_OF = 2  # number(path): the number of its first node's text
    E_LITERAL = 3    # a number
    E_NOT = 4
    E_BOOLEAN = 5
    E_AND = 6
    E_OR = 7
    E_ADD = 8
    E_COMPARE = 9    # ``compare``: 0 =, 1 !=, 2 <, 3 >, 4 <=, 5 >=

cdef enum:
    V_BOOLEAN = 0
    V_NUMBER = 1
    V_NODES = 2


cdef struct Expr:
    int op
    int compare
    int left
    int right
    int path
    double number


cdef struct Value:
    int kind
    double number
    bint truth
    int path

cdef enum:
    DATE_MISSING = -1    # no value: the rule passes
    DATE_UNSURE = -2     # a value this module does not read with certainty: select


# How a predicate's test compares its attribute (the codes of rule_native.TESTS), with XPath's meaning.
cdef enum:
    TEST_EQUAL = 0       # @a = 'v'
    TEST_UNEQUAL = 1     # @a != 'v' (the attribute present)
    TEST_ABSENT = 2      # not(@a)
    TEST_NOT_EQUAL = 3   # not(@a = 'v') (true when the attribute is absent)
    TEST_NUMBER = 4      # @a = 98: number(@a) equals it
    TEST_NOT_NUMBER = 5  # @a != 1: the attribute present and number(@a) differs (NaN differs)
    TEST_PRESENT = 6     # @a
    TEST_CHILD = 7       # a child element of that name (no namespace)


cdef struct Alternative:   # one test of a predicate
    const char* attr
    int kind
    const char* value       # the string compared with (string tests)
    double number           # the number compared with (number tests)


cdef struct Step:
    const char* name
    int alternatives        # 0: no predicate
    Alternative* tests
    bint negate             # the predicate is not(any alternative)
    bint descendant         # descendant::name (only as a context path's single step)


cdef struct Path:
    int steps
    Step* step
    const char* attr        # final @attribute, or NULL for the element's text
    bint now                # the literal NOW of date rules (no steps)
    bint text_nodes         # the final step is text(): the element's text and CDATA children


cdef struct Values:
    int count               # values found (may exceed CAP)
    bint unsure             # a value whose text could not be read simply
    const char* text[CAP]


cdef inline bint _plain_name(xmlNode* node, const char* name):
    return node.type == tree.XML_ELEMENT_NODE and node.ns is NULL and same_name(node.name, name)


cdef const char* _attr_text(xmlNode* node, const char* name, bint* found, bint* unsure):
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


cdef const char* _element_text(xmlNode* node, bint* unsure):
    """The element's string value when it is empty or one text/CDATA node; else NULL and ``unsure``."""
    cdef xmlNode* child = node.children
    if child is NULL:
        return b""
    if ((child.type == tree.XML_TEXT_NODE or child.type == tree.XML_CDATA_SECTION_NODE)
            and child.next is NULL and child.content is not NULL):
        return <const char*>child.content
    unsure[0] = True
    return NULL


cdef bint _has_child(xmlNode* node, const char* name, bint* unsure):
    cdef xmlNode* child = node.children
    while child is not NULL:
        if _plain_name(child, name):
            return True
        if child.type == tree.XML_ENTITY_REF_NODE or child.type == tree.XML_XINCLUDE_START:
            unsure[0] = True
        child = child.next
    return False


cdef bint _alternative(xmlNode* node, Alternative* test, bint* unsure):
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


cdef bint _passes(xmlNode* node, Step* step, bint* unsure):
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


cdef const char* _trimmed(const char* text, Py_ssize_t* length):
    """``text`` without the ASCII blanks at either end: its new start, and its length in ``length``."""
    cdef Py_ssize_t n
    while _blank(text[0]):
        text += 1
    n = strlen(text)
    while n > 0 and _blank(text[n - 1]):
        n -= 1
    length[0] = n
    return text


cdef int _plain_decimal(const char* text, double* value):
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


cdef double _xpath_number(const char* text, bint* unsure):
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


cdef void _add(Values* out, const char* text):
    if out.count < CAP:
        out.text[out.count] = text
    out.count += 1


cdef void _collect(xmlNode* node, Path* path, int depth, Values* out, bint texts):
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
                        _add(out, EMPTY)
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


cdef bint _space_code(unsigned int c):
    """Whether Python's ``str.isspace`` is true for this code point (0x1c-0x1f cannot occur in XML)."""
    if c < 128:
        return c == 32 or (9 <= c <= 13) or (28 <= c <= 31)
    return (c == 0x85 or c == 0xA0 or c == 0x1680 or (0x2000 <= c <= 0x200A) or c == 0x2028 or c == 0x2029
            or c == 0x202F or c == 0x205F or c == 0x3000)


cdef unsigned int _code_at(const unsigned char* s):
    """The code point of the UTF-8 sequence at ``s`` (libxml2's text is valid UTF-8)."""
    if s[0] < 0x80:
        return s[0]
    if s[0] < 0xE0:
        return ((s[0] & 0x1F) << 6) | (s[1] & 0x3F)
    if s[0] < 0xF0:
        return ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F)
    return ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F)


cdef bint _spaced(const char* text):
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


def is_space_code(unsigned int code):
    """What the no-spaces test takes for a space (tests compare it with ``str.isspace``)."""
    return _space_code(code)


cdef bint _has_any(const char* text, const char* chars):
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


cdef bint _outside(const char* text, double low, double high):
    """True unless ``text`` is a plain decimal in [low, high] (the range rule then passes)."""
    cdef double value = NAN
    if _plain_decimal(text, &value) == 0:
        return True
    return not (low <= value <= high)


cdef inline int _digit(char c):
    return c - 48 if 48 <= c <= 57 else -1


cdef int _month_days(int year, int month):
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month == 4 or month == 6 or month == 9 or month == 11 else 31


cdef long _day_number(int year, int month, int day):
    """Days since 0000-03-01 of a proleptic Gregorian date (only differences are used)."""
    cdef int y = year - (1 if month <= 2 else 0)
    cdef int era = y // 400
    cdef int yoe = y - era * 400
    cdef int mp = (month + 9) % 12
    cdef int doy = (153 * mp + 2) // 5 + day - 1
    cdef int doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe


cdef int _date(const char* text, long* low, long* high):
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


cdef int _first_date(xmlNode* context, Path* path, long today, long* low, long* high):
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


cdef bint _compared(double a, double b, int compare):
    if compare == 0:
        return a == b
    if compare == 1:
        return a != b
    if compare == 2:
        return a < b
    if compare == 3:
        return a > b
    if compare == 4:
        return a <= b
    return a >= b


cdef int _swapped(int compare):
    """The comparison with its sides swapped (a < b is b > a)."""
    if compare == 2:
        return 3
    if compare == 3:
        return 2
    if compare == 4:
        return 5
    if compare == 5:
        return 4
    return compare


cdef void _gather(Path* path, xmlNode* context, Values* found, bint texts, bint* unsure):
    """``path``'s values below ``context`` into a fresh ``found``; its doubt goes to ``unsure``."""
    found.count = 0
    found.unsure = False
    _collect(context, path, 0, found, texts)
    if found.unsure:
        unsure[0] = True


cdef double _count(Path* path, xmlNode* context, bint* unsure):
    cdef Values found
    _gather(path, context, &found, False, unsure)
    return found.count


cdef bint _nodes_truth(Path* path, xmlNode* context, bint* unsure):
    return _count(path, context, unsure) > 0


cdef double _number_of(Path* path, xmlNode* context, bint* unsure):
    """number() of a node-set: that of its first node's text (NaN when empty)."""
    cdef Values found
    _gather(path, context, &found, True, unsure)
    if found.unsure or found.count == 0:
        return NAN
    return _xpath_number(found.text[0], unsure)


cdef bint _truth(Value value, Path* paths, xmlNode* context, bint* unsure):
    if value.kind == V_BOOLEAN:
        return value.truth
    if value.kind == V_NUMBER:
        return value.number == value.number and value.number != 0
    return _nodes_truth(&paths[value.path], context, unsure)


cdef double _number(Value value, Path* paths, xmlNode* context, bint* unsure):
    if value.kind == V_NUMBER:
        return value.number
    if value.kind == V_BOOLEAN:
        return 1.0 if value.truth else 0.0
    return _number_of(&paths[value.path], context, unsure)


cdef bint _nodes_compared(Path* path, double number, int compare, xmlNode* context, bint* unsure):
    """A node-set compared with a number: true when some node's number compares so."""
    cdef Values found
    cdef int i
    _gather(path, context, &found, True, unsure)
    if found.unsure or found.count > CAP:
        unsure[0] = True
        return True
    for i in range(found.count):
        if _compared(_xpath_number(found.text[i], unsure), number, compare):
            return True
    return False


cdef Value _evaluate(Expr* exprs, int index, Path* paths, xmlNode* context, bint* unsure):
    """XPath 1.0's value of expression ``index`` on the context (``unsure`` when a value was not read
    with certainty: the caller then selects the context)."""
    cdef Expr* e = &exprs[index]
    cdef Value out
    cdef Value a
    cdef Value b
    out.kind = V_BOOLEAN
    out.truth = False
    out.number = 0.0
    out.path = -1
    if e.op == E_PATH:
        out.kind = V_NODES
        out.path = e.path
    elif e.op == E_COUNT:
        out.kind = V_NUMBER
        out.number = _count(&paths[e.path], context, unsure)
    elif e.op == E_NUMBER_OF:
        out.kind = V_NUMBER
        out.number = _number_of(&paths[e.path], context, unsure)
    elif e.op == E_LITERAL:
        out.kind = V_NUMBER
        out.number = e.number
    elif e.op == E_NOT:
        out.truth = not _truth(_evaluate(exprs, e.left, paths, context, unsure), paths, context, unsure)
    elif e.op == E_BOOLEAN:
        out.truth = _truth(_evaluate(exprs, e.left, paths, context, unsure), paths, context, unsure)
    elif e.op == E_AND:
        out.truth = (_truth(_evaluate(exprs, e.left, paths, context, unsure), paths, context, unsure)
                     and _truth(_evaluate(exprs, e.right, paths, context, unsure), paths, context, unsure))
    elif e.op == E_OR:
        out.truth = (_truth(_evaluate(exprs, e.left, paths, context, unsure), paths, context, unsure)
                     or _truth(_evaluate(exprs, e.right, paths, context, unsure), paths, context, unsure))
    elif e.op == E_ADD:
        out.kind = V_NUMBER
        out.number = (_number(_evaluate(exprs, e.left, paths, context, unsure), paths, context, unsure)
                      + _number(_evaluate(exprs, e.right, paths, context, unsure), paths, context, unsure))
    else:
        a = _evaluate(exprs, e.left, paths, context, unsure)
        b = _evaluate(exprs, e.right, paths, context, unsure)
        if a.kind == V_NODES and b.kind == V_NODES:
            unsure[0] = True  # not built by rule_native
        elif a.kind == V_NODES and b.kind == V_NUMBER:
            out.truth = _nodes_compared(&paths[a.path], b.number, e.compare, context, unsure)
        elif b.kind == V_NODES and a.kind == V_NUMBER:
            out.truth = _nodes_compared(&paths[b.path], a.number, _swapped(e.compare), context, unsure)
        elif e.compare <= 1 and (a.kind == V_BOOLEAN or b.kind == V_BOOLEAN):
            out.truth = (_truth(a, paths, context, unsure) == _truth(b, paths, context, unsure)) == (e.compare == 0)
        else:
            out.truth = _compared(_number(a, paths, context, unsure), _number(b, paths, context, unsure), e.compare)
    return out


cdef class CasePlan:
    """One case's test in C structures, built from ``rule_native``'s description of it."""

    cdef int op
    cdef int n_contexts
    cdef Path* contexts
    cdef int n_paths
    cdef Path* paths
    cdef int n_prefixes
    cdef Path* prefixes
    cdef const char* chars
    cdef const char* separator
    cdef double low
    cdef double high
    cdef long today
    cdef bint record_level   # the record itself is a context
    cdef unsigned int below  # the context paths below the record (a bit each)
    cdef bint anywhere       # the one context path is descendant::name: any element below the record
    cdef int n_exprs
    cdef Expr* exprs         # expressions over ``expr_paths``: the condition, "if" and "then"
    cdef int n_expr_paths
    cdef Path* expr_paths
    cdef int condition       # root of the case's condition (-1: none); a context failing it is skipped
    cdef int first           # root of the "if" expression (OP_IF_THEN)
    cdef int second          # root of the "then" expression (OP_IF_THEN)
    cdef const char** known  # OP_ORG_PREFIX: the agency prefixes, sorted (strcmp order)
    cdef int n_known
    cdef list keep   # the bytes the C pointers point into

    def __cinit__(self):
        self.contexts = NULL
        self.paths = NULL
        self.prefixes = NULL
        self.exprs = NULL
        self.expr_paths = NULL
        self.known = NULL
        self.n_known = 0
        self.keep = []

    def __init__(self, int op, list contexts, list paths, list prefixes=None,
                 bytes chars=b"", bytes separator=b"", double low=0.0, double high=0.0, long today=0,
                 list exprs=None, list expr_paths=None, int condition=-1, int first=-1, int second=-1,
                 list known=None):
        cdef int i
        known = sorted(known or [])
        self.known = <const char**>malloc(max(1, len(known)) * sizeof(const char*))
        if self.known is NULL:
            raise MemoryError()
        for i, code in enumerate(known):
            self.known[i] = self._bytes(code)
        self.n_known = len(known)
        if len(contexts) > MAX_CONTEXTS:
            raise ValueError("too many context paths")
        exprs = exprs or []
        self.exprs = <Expr*>malloc(max(1, len(exprs)) * sizeof(Expr))
        if self.exprs is NULL:
            raise MemoryError()
        self.n_exprs = len(exprs)
        for i, (op_code, compare, left, right, path, number) in enumerate(exprs):
            self.exprs[i].op = op_code
            self.exprs[i].compare = compare
            self.exprs[i].left = left
            self.exprs[i].right = right
            self.exprs[i].path = path
            self.exprs[i].number = number
        self.expr_paths = self._paths(expr_paths or [], &self.n_expr_paths)
        self.condition = condition
        self.first = first
        self.second = second
        self.op = op
        self.contexts = self._paths(contexts, &self.n_contexts)
        self.paths = self._paths(paths, &self.n_paths)
        self.prefixes = self._paths(prefixes or [], &self.n_prefixes)
        self.chars = self._bytes(chars)
        self.separator = self._bytes(separator)
        self.low = low
        self.high = high
        self.today = today
        self.record_level = False
        self.below = 0
        self.anywhere = False
        for i in range(self.n_contexts):
            if self.contexts[i].steps == 0:
                self.record_level = True
            elif self.contexts[i].step[0].descendant:
                if self.n_contexts != 1 or self.contexts[i].steps != 1:
                    raise ValueError("a descendant:: context must be the case's only one, of one step")
                self.anywhere = True
            else:
                self.below |= 1u << i

    cdef const char* _bytes(self, bytes value):
        self.keep.append(value)
        return <const char*>value

    cdef Path* _paths(self, list described, int* count):
        """``described``: [(steps, attribute or None, now)],
        steps: [(name, [(attr, kind, value, number)], negate, descendant)]; the attribute
        ``b"text()"`` stands for a final text() step."""
        cdef Path* paths = <Path*>malloc(max(1, len(described)) * sizeof(Path))
        cdef int i, j, k
        if paths is NULL:
            raise MemoryError()
        count[0] = 0
        for i, (steps, attribute, now) in enumerate(described):
            paths[i].steps = len(steps)
            paths[i].step = <Step*>malloc(max(1, len(steps)) * sizeof(Step))
            paths[i].text_nodes = attribute == TEXT_NODES
            paths[i].attr = NULL if attribute is None or paths[i].text_nodes else self._bytes(attribute)
            paths[i].now = now
            count[0] = i + 1
            if paths[i].step is NULL:
                paths[i].steps = 0
                raise MemoryError()
            for j in range(paths[i].steps):
                paths[i].step[j].tests = NULL  # freed by __dealloc__ even if a later malloc fails
            for j, (name, tests, negate, descendant) in enumerate(steps):
                paths[i].step[j].name = self._bytes(name)
                paths[i].step[j].negate = negate
                paths[i].step[j].descendant = descendant
                paths[i].step[j].alternatives = len(tests)
                paths[i].step[j].tests = <Alternative*>malloc(max(1, len(tests)) * sizeof(Alternative))
                if paths[i].step[j].tests is NULL:
                    raise MemoryError()
                for k, (attr, kind, value, number) in enumerate(tests):
                    paths[i].step[j].tests[k].attr = self._bytes(attr)
                    paths[i].step[j].tests[k].kind = kind
                    paths[i].step[j].tests[k].value = self._bytes(value)
                    paths[i].step[j].tests[k].number = number
        return paths

    def __dealloc__(self):
        free(self.known)
        free(self.exprs)
        _free_paths(self.expr_paths, self.n_expr_paths)
        _free_paths(self.contexts, self.n_contexts)
        _free_paths(self.paths, self.n_paths)
        _free_paths(self.prefixes, self.n_prefixes)

    cdef bint _holds(self, int root, xmlNode* context, bint* unsure):
        """The official engine's truth of an expression: a node-set is always true (a JS array)."""
        if self.exprs[root].op == E_PATH:
            return True
        return _truth(_evaluate(self.exprs, root, self.expr_paths, context, unsure), self.expr_paths, context,
                      unsure)

    def may_fail(self, cetree._Element element):
        """Whether ``element``, as this case's context, may fail it (for loop sub-cases, tested one by one)."""
        return self.selects(element._c_node)

    def values(self, cetree._Element element):
        """The distinct texts of the plan's paths on ``element``, in document order: what a ``loop``
        reads from its ``foreach`` (its plan's paths). None when a text is not plainly readable, or
        there are more than are kept (the caller then asks the XPath)."""
        cdef Values found
        cdef int i
        found.count = 0
        found.unsure = False
        for i in range(self.n_paths):
            _collect(element._c_node, &self.paths[i], 0, &found, True)
        if found.unsure or found.count > CAP:
            return None
        distinct = {}
        for i in range(found.count):
            distinct[(<bytes> found.text[i]).decode("utf-8")] = None
        return list(distinct)

    def truth(self, cetree._Element element, str which):
        """(truth, unsure) of the case's ``condition``, ``if`` or ``then`` on ``element``, as the official
        engine tests it: for tests that compare this module with libxml's XPath."""
        cdef bint unsure = False
        cdef int root = {"condition": self.condition, "if": self.first, "then": self.second}[which]
        if root < 0:
            raise ValueError(f"this case has no compiled {which}")
        return self._holds(root, element._c_node, &unsure), unsure

    cdef bint selects(self, xmlNode* context):
        """Whether the context may fail the case (the Python rule decides)."""
        cdef bint unsure = False
        if self.condition >= 0:
            if not self._holds(self.condition, context, &unsure) and not unsure:
                return False  # the Python rule skips this context
            if unsure:
                return True
        if self.op == OP_IF_THEN:  # without "then": the "if" alone is the test
            if not self._holds(self.first, context, &unsure) and not unsure:
                return False
            if self.second < 0:
                return True
            return unsure or not self._holds(self.second, context, &unsure) or unsure
        return self._tests(context)

    cdef bint _tests(self, xmlNode* context):
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
        if self.op == OP_DATE_ORDER or self.op == OP_TIME_LIMIT:
            first = _first_date(context, &self.paths[0], self.today, &low1, &high1)
            second = _first_date(context, &self.paths[1], self.today, &low2, &high2)
            if first == DATE_MISSING or second == DATE_MISSING:
                return False
            if first == DATE_UNSURE or second == DATE_UNSURE:
                return True
            if self.op == OP_DATE_ORDER:  # passes for sure when the first cannot be after the second
                return not (high1 <= low2)
            return high2 - low1 >= 366  # passes for sure when less than 366 days can lie between them
        counts = self.op == OP_EXISTS or self.op == OP_NONE or self.op == OP_MANY
        for i in range(self.n_paths):
            _collect(context, &self.paths[i], 0, &found, not counts)
        if self.op == OP_EXISTS:
            return found.count > 0 or found.unsure
        if self.op == OP_NONE:  # an unsure predicate may have counted a node in
            return found.count == 0 or found.unsure
        if self.op == OP_MANY:
            return found.count > 1 or found.unsure
        if found.unsure or found.count > CAP:
            return found.count > 0 or found.unsure
        if self.op == OP_UNIQUE:
            for i in range(found.count):
                for j in range(i + 1, found.count):
                    if strcmp(found.text[i], found.text[j]) == 0:
                        return True
            return False
        if self.op == OP_NO_SPACES:
            for i in range(found.count):
                if _spaced(found.text[i]):
                    return True
            return False
        if self.op == OP_CHARS:
            for i in range(found.count):
                if _has_any(found.text[i], self.chars):
                    return True
            return False
        if self.op == OP_RANGE:
            for i in range(found.count):
                if _outside(found.text[i], self.low, self.high):
                    return True
            return False
        if self.op == OP_SUM or self.op == OP_STRICT_SUM:
            if found.count == 0 and self.op == OP_SUM:
                return False
            total = 0.0
            for i in range(found.count):
                if _plain_decimal(found.text[i], &value) == 0:
                    return True
                total += value
            # the rule rounds to 4 decimals: within 1e-9 of the target it passes, whatever the rounding
            return not (fabs(total - self.low) <= 1e-9)
        if self.op == OP_ORG_PREFIX:
            for i in range(found.count):
                if not _known_prefix(found.text[i], self.known, self.n_known):
                    return True
            return False
        if self.op == OP_STARTS:
            starts.count = 0
            starts.unsure = False
            for i in range(self.n_prefixes):
                _collect(context, &self.prefixes[i], 0, &starts, True)
            if starts.unsure or starts.count > CAP:
                return True
            for i in range(found.count):
                matched = False
                for j in range(starts.count):
                    k = strlen(starts.text[j])
                    if (strncmp(found.text[i], starts.text[j], k) == 0
                            and strncmp(found.text[i] + k, self.separator, strlen(self.separator)) == 0):
                        matched = True
                        break
                if not matched:
                    return True
            return False
        return True


cdef bint _known_prefix(const char* text, const char** known, int count):
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


cdef void _free_paths(Path* paths, int count):
    cdef int i, j
    if paths is NULL:
        return
    for i in range(count):
        if paths[i].step is not NULL:
            for j in range(paths[i].steps):
                free(paths[i].step[j].tests)
            free(paths[i].step)
    free(paths)


cdef int _contexts(CasePlan plan, xmlNode* node, int depth, unsigned int active, list out,
                   cetree._Document doc) except -1:
    """Walk down the context paths still ``active`` (a bit each), selecting the contexts in document
    order (a node that ends one path is tested before its children are walked). Returns 1 when the
    walk meets what only the XPath can judge (an entity reference, an attribute of a context step
    that is not one text node): the caller then asks the XPath for the whole chunk."""
    cdef xmlNode* child = node.children
    cdef unsigned int going
    cdef bint ends
    cdef bint unsure = False
    cdef int i
    cdef Path* path
    while child is not NULL:
        if child.type == tree.XML_ELEMENT_NODE and child.ns is NULL:
            going = 0
            ends = False
            for i in range(plan.n_contexts):
                if not (active >> i) & 1:
                    continue
                path = &plan.contexts[i]
                if not same_name(child.name, path.step[depth].name):
                    continue
                if not _passes(child, &path.step[depth], &unsure):
                    continue
                if unsure:
                    return 1
                if depth + 1 == path.steps:
                    ends = True
                else:
                    going |= 1u << i
            if ends and plan.selects(child):
                out.append(cetree.elementFactory(doc, child))
            if going and _contexts(plan, child, depth + 1, going, out, doc):
                return 1
        elif child.type == tree.XML_ENTITY_REF_NODE or child.type == tree.XML_XINCLUDE_START:
            return 1
        child = child.next
    return 0


cdef int _anywhere(CasePlan plan, xmlNode* node, list out, cetree._Document doc) except -1:
    """The elements below ``node``, in document order, that match the plan's descendant::name
    context and may fail; 1 when the walk meets what only the XPath can judge."""
    cdef xmlNode* child = node.children
    cdef Step* step = &plan.contexts[0].step[0]
    cdef bint unsure = False
    while child is not NULL:
        if child.type == tree.XML_ELEMENT_NODE:
            if _plain_name(child, step.name) and _passes(child, step, &unsure):
                if unsure:
                    return 1
                if plan.selects(child):
                    out.append(cetree.elementFactory(doc, child))
            if _anywhere(plan, child, out, doc):
                return 1
        elif child.type == tree.XML_ENTITY_REF_NODE or child.type == tree.XML_XINCLUDE_START:
            return 1
        child = child.next
    return 0


def day_number(int year, int month, int day):
    """The day count the date tests compare (for "today", from Python)."""
    return _day_number(year, month, day)


def chunk_candidates(tuple plans, bytes record_name, cetree._Element chunk_root):
    """For each plan, the contexts of the chunk's records that may fail its case, in document order;
    None for a plan when only the XPath can judge this chunk.

    Record by record, every plan in turn: a record's nodes are read from memory once and stay in the
    cache for all the cases (case by case over the whole chunk, each case waited on memory again:
    the walk cost as much as the XPath it replaces).
    """
    cdef Py_ssize_t n = len(plans)
    cdef list found = [[] for _ in range(n)]
    cdef bytearray judged = bytearray(n)  # 1: the XPath must judge this plan's case on this chunk
    cdef xmlNode* record = chunk_root._c_node.children
    cdef cetree._Document doc = chunk_root._doc
    cdef const char* name = <const char*>record_name
    cdef CasePlan plan
    cdef Py_ssize_t i
    cdef list out
    while record is not NULL:
        if _plain_name(record, name):
            for i in range(n):
                if judged[i]:
                    continue
                plan = <CasePlan>plans[i]
                out = <list>found[i]
                if plan.record_level and plan.selects(record):
                    out.append(cetree.elementFactory(doc, record))
                if plan.below and _contexts(plan, record, 0, plan.below, out, doc):
                    judged[i] = 1
                elif plan.anywhere and _anywhere(plan, record, out, doc):
                    judged[i] = 1
        elif record.type == tree.XML_ENTITY_REF_NODE or record.type == tree.XML_XINCLUDE_START:
            return [None] * n
        record = record.next
    return [None if judged[i] else found[i] for i in range(n)]


cdef xmlNode* _first_child(xmlNode* node, const char* name):
    cdef xmlNode* child = node.children
    while child is not NULL:
        if _plain_name(child, name):
            return child
        child = child.next
    return NULL


cdef bint _may_be_after(xmlNode* transaction, const char* child_name, const char* attribute, long today):
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


def later_transactions(cetree._Element chunk_root, bytes record_name, long today):
    """The transactions after the first of each record whose transaction date or value date may lie
    after ``today`` (a day number), in document order: the only ones iaticonv's check 2001.1.* needs
    to read in Python."""
    cdef list out = []
    cdef xmlNode* record = chunk_root._c_node.children
    cdef xmlNode* child
    cdef bint first
    cdef const char* name = <const char*>record_name
    while record is not NULL:
        if _plain_name(record, name):
            first = True
            child = record.children
            while child is not NULL:
                if _plain_name(child, b"transaction"):
                    if first:
                        first = False
                    elif (_may_be_after(child, b"transaction-date", b"iso-date", today)
                          or _may_be_after(child, b"value", b"value-date", today)):
                        out.append(cetree.elementFactory(chunk_root._doc, child))
                child = child.next
        record = record.next
    return out
