# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""XPath 1.0's value of a plan's small expressions (``condition``, ``if``, ``then``), with its conversions.

``_rule_expr`` builds the expressions (a subset: paths, numbers, ``count()``, ``number()``, ``not()``,
``boolean()``, ``+``, comparisons, ``and``/``or``); a value not read with certainty sets ``unsure``.
Inline functions of ``_rule_native``.
"""

from libc.math cimport NAN
from lxml.includes.tree cimport xmlNode

from iaticonv.validate.layers._rule_native cimport (
    CAP, CMP_AT_LEAST, CMP_AT_MOST, CMP_EQUAL, CMP_LESS, CMP_MORE, CMP_UNEQUAL, E_ADD, E_AND, E_BOOLEAN, E_COUNT, E_LITERAL, E_NOT, E_NUMBER_OF, E_OR, E_PATH, Expr, Path, Values,
)
from iaticonv.validate.layers._rule_read cimport _collect, _xpath_number

cdef enum:
    V_BOOLEAN = 0
    V_NUMBER = 1
    V_NODES = 2


cdef struct Value:
    int kind
    double number
    bint truth
    int path


cdef inline bint _compared(double a, double b, int compare):
    if compare == CMP_EQUAL:
        return a == b
    if compare == CMP_UNEQUAL:
        return a != b
    if compare == CMP_LESS:
        return a < b
    if compare == CMP_MORE:
        return a > b
    if compare == CMP_AT_MOST:
        return a <= b
    return a >= b


cdef inline int _swapped(int compare):
    """The comparison with its sides swapped (a < b is b > a)."""
    if compare == CMP_LESS:
        return CMP_MORE
    if compare == CMP_MORE:
        return CMP_LESS
    if compare == CMP_AT_MOST:
        return CMP_AT_LEAST
    if compare == CMP_AT_LEAST:
        return CMP_AT_MOST
    return compare


cdef inline void _gather(Path* path, xmlNode* context, Values* found, bint texts, bint* unsure):
    """``path``'s values below ``context`` into a fresh ``found``; its doubt goes to ``unsure``."""
    found.count = 0
    found.unsure = False
    _collect(context, path, 0, found, texts)
    if found.unsure:
        unsure[0] = True


cdef inline double _count(Path* path, xmlNode* context, bint* unsure):
    cdef Values found
    _gather(path, context, &found, False, unsure)
    return found.count


cdef inline bint _nodes_truth(Path* path, xmlNode* context, bint* unsure):
    return _count(path, context, unsure) > 0


cdef inline double _number_of(Path* path, xmlNode* context, bint* unsure):
    """number() of a node-set: that of its first node's text (NaN when empty)."""
    cdef Values found
    _gather(path, context, &found, True, unsure)
    if found.unsure or found.count == 0:
        return NAN
    return _xpath_number(found.text[0], unsure)


cdef inline bint _truth(Value value, Path* paths, xmlNode* context, bint* unsure):
    if value.kind == V_BOOLEAN:
        return value.truth
    if value.kind == V_NUMBER:
        return value.number == value.number and value.number != 0
    return _nodes_truth(&paths[value.path], context, unsure)


cdef inline double _number(Value value, Path* paths, xmlNode* context, bint* unsure):
    if value.kind == V_NUMBER:
        return value.number
    if value.kind == V_BOOLEAN:
        return 1.0 if value.truth else 0.0
    return _number_of(&paths[value.path], context, unsure)


cdef inline bint _nodes_compared(Path* path, double number, int compare, xmlNode* context, bint* unsure):
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


cdef inline Value _evaluate(Expr* exprs, int index, Path* paths, xmlNode* context, bint* unsure):
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
        elif (e.compare == CMP_EQUAL or e.compare == CMP_UNEQUAL) and (a.kind == V_BOOLEAN or b.kind == V_BOOLEAN):
            out.truth = (_truth(a, paths, context, unsure) == _truth(b, paths, context, unsure)) == (e.compare == CMP_EQUAL)
        else:
            out.truth = _compared(_number(a, paths, context, unsure), _number(b, paths, context, unsure), e.compare)
    return out
