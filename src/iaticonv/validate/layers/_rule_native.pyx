# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Ruleset prefilters in C: the contexts of a chunk that may fail a case, read from libxml2's nodes.

Why this exists: libxml's XPath engine spends about 200 ns on every child element a predicate looks
at (it builds a node-set for each step), and each of the ~90 cases of a ruleset looks at most
children of every record; that was about 40 % of a validation. Here a case's plain paths (child
steps with attribute and child-element tests, a final ``@attribute`` or the element's text) are
followed in C over the nodes, and its small expressions (``count(p) > 1``, ``p or q``, ``p = 100``)
evaluated with XPath's conversions. ``chunk_candidates`` takes a chunk record by record, every case
in turn while the record is in the processor's cache: walking it case by case, as the XPaths do,
waited on memory for most of the time. A plan's op is a test of ``_rule_types.TESTS`` (what the case's
rule type asks of a context, defined there once); this module knows tests, never rule types.

A prefilter only has to be true for every context that can fail (``_rule_prefilter``'s contract):
the Python rule then decides. So this module never decides a case. It selects a context when its
test says the context may fail, and also whenever anything is unusual: an attribute or element whose
text is not one plain text node, an entity reference, a date or number it does not read with
certainty, more values than it keeps. ``_rule_plans`` and ``_rule_expr`` build the plans, only for the
shapes handled here; every other case keeps its XPath. The codes Python and C share are the
``cpdef enum``s of ``_rule_native.pxd``; the readers, dates, expressions and tests are its inline
helpers (``_rule_read``, ``_rule_dates``, ``_rule_eval``, ``_rule_tests``). The same reading picks the later transactions
iaticonv's own check 2001.1.* must look at. Tests check on every real file, the schema tests and
grids of awkward values that nothing that fails is left out.
"""

from libc.stdlib cimport free, malloc

from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode
cimport lxml.includes.etreepublic as cetree

from iaticonv.validate.layers._rule_dates cimport _day_number, _may_be_after
from iaticonv.validate.layers._rule_eval cimport _evaluate, _truth
from iaticonv.validate.layers._rule_read cimport _collect, _free_paths, _passes, _plain_name
from iaticonv.validate._native_nodes cimport same_name
from iaticonv.validate.layers._rule_tests cimport _space_code, run_test

cetree.import_lxml__etree()

BUILT_WITH_LXML = cetree.LXML_VERSION_STRING.decode("ascii")
TEXT_NODES = b"text()"  # a path's final step that selects the element's text nodes


def is_space_code(unsigned int code):
    """What the no-spaces test takes for a space (tests compare it with ``str.isspace``)."""
    return _space_code(code)


cdef class CasePlan:
    """One case's test in C structures, built from ``_rule_plans``'s description of it."""

    cdef Test test           # the op and what it reads
    cdef int n_contexts
    cdef Path* contexts
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
    cdef list keep   # the bytes the C pointers point into

    def __cinit__(self):
        self.contexts = NULL
        self.test.paths = NULL
        self.test.prefixes = NULL
        self.exprs = NULL
        self.expr_paths = NULL
        self.test.known = NULL
        self.test.n_known = 0
        self.keep = []

    def __init__(self, int op, list contexts, list paths, list prefixes=None,
                 bytes chars=b"", bytes separator=b"", double low=0.0, double high=0.0, long today=0,
                 list exprs=None, list expr_paths=None, int condition=-1, int first=-1, int second=-1,
                 list known=None):
        cdef int i
        known = sorted(known or [])
        self.test.known = <const char**>malloc(max(1, len(known)) * sizeof(const char*))
        if self.test.known is NULL:
            raise MemoryError()
        for i, code in enumerate(known):
            self.test.known[i] = self._bytes(code)
        self.test.n_known = len(known)
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
        self.test.op = op
        self.contexts = self._paths(contexts, &self.n_contexts)
        self.test.paths = self._paths(paths, &self.test.n_paths)
        self.test.prefixes = self._paths(prefixes or [], &self.test.n_prefixes)
        self.test.chars = self._bytes(chars)
        self.test.separator = self._bytes(separator)
        self.test.low = low
        self.test.high = high
        self.test.today = today
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
        free(self.test.known)
        free(self.exprs)
        _free_paths(self.expr_paths, self.n_expr_paths)
        _free_paths(self.contexts, self.n_contexts)
        _free_paths(self.test.paths, self.test.n_paths)
        _free_paths(self.test.prefixes, self.test.n_prefixes)

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
        for i in range(self.test.n_paths):
            _collect(element._c_node, &self.test.paths[i], 0, &found, True)
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
        if self.test.op == OP_IF_THEN:  # without "then": the "if" alone is the test
            if not self._holds(self.first, context, &unsure) and not unsure:
                return False
            if self.second < 0:
                return True
            return unsure or not self._holds(self.second, context, &unsure) or unsure
        return run_test(&self.test, context)


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
