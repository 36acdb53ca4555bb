# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""What the ruleset prefilters' compiled parts share: the codes Python reads too, and a plan's C structures.

The codes are ``cpdef enum``s, declared here once: C code reads them as constants, and the built
``_rule_native`` module shows each enum to Python, where ``_rule_plans`` and ``_rule_expr`` take the
codes by name (a test checks that the names on both sides agree). The helpers that read values
(``_rule_read``), dates (``_rule_dates``), expressions (``_rule_eval``) and run a plan's test
(``_rule_tests``) are inline functions of declaration files, so the module stays one extension.
"""

from lxml.includes.tree cimport xmlNode


cpdef enum Limit:
    CAP = 256           # values kept per case; beyond that a case that reads values selects the context
    MAX_CONTEXTS = 32   # context paths of one case (a bit each)
    NUMBER_MAX = 63     # longest number text read here


# What a case's plan tests: ``OP_`` and the name of a test of ``_rule_types.TESTS`` (all but "always",
# which selects every context: the XPath does that as well as a walk could).
cpdef enum Op:
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


# Expression nodes (``_rule_expr`` builds them by name: ``E_`` and the node's kind): XPath 1.0 over the
# plan's paths.
cpdef enum Expression:
    E_PATH = 0       # the node-set of path ``path``
    E_COUNT = 1      # count(path)
    E_NUMBER_OF = 2  # number(path): the number of its first node's text
    E_LITERAL = 3    # a number
    E_NOT = 4
    E_BOOLEAN = 5
    E_AND = 6
    E_OR = 7
    E_ADD = 8
    E_COMPARE = 9    # ``compare``: a Comparison


cpdef enum Comparison:
    CMP_EQUAL = 0     # =
    CMP_UNEQUAL = 1   # !=
    CMP_LESS = 2      # <
    CMP_MORE = 3      # >
    CMP_AT_MOST = 4   # <=
    CMP_AT_LEAST = 5  # >=


# How a predicate's test compares its attribute (``_rule_plans.parse_path`` names them), with XPath's meaning.
cpdef enum Predicate:
    TEST_EQUAL = 0       # @a = 'v'
    TEST_UNEQUAL = 1     # @a != 'v' (the attribute present)
    TEST_ABSENT = 2      # not(@a)
    TEST_NOT_EQUAL = 3   # not(@a = 'v') (true when the attribute is absent)
    TEST_NUMBER = 4      # @a = 98: number(@a) equals it
    TEST_NOT_NUMBER = 5  # @a != 1: the attribute present and number(@a) differs (NaN differs)
    TEST_PRESENT = 6     # @a
    TEST_CHILD = 7       # a child element of that name (no namespace)


cdef enum:
    DATE_MISSING = -1    # no value: the rule passes
    DATE_UNSURE = -2     # a value this module does not read with certainty: select


cdef struct Expr:
    int op
    int compare
    int left
    int right
    int path
    double number


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



cdef struct Test:          # what a plan's op reads besides the context (``_rule_tests``)
    int op
    int n_paths
    Path* paths
    int n_prefixes
    Path* prefixes
    const char* chars
    const char* separator
    double low
    double high
    long today
    int n_known
    const char** known   # OP_ORG_PREFIX: the agency prefixes, sorted (strcmp order)
