# cython: language_level=3, boundscheck=False, wraparound=False
"""A finding's positional XPath below its record, built in C from libxml2's nodes (optional build).

Why this exists: a big file has hundreds of thousands of findings, and :func:`.locate.relative_path`
spent about 5 µs on each (libxml's path of the whole document, then string surgery to put back the
``[1]`` it leaves out). Here the steps are counted and written directly, the same way the Python
reference counts them (``locate._counted_path``): each element step is its name and its position
among the preceding siblings of the same name and namespace. Tests compare both on every finding of
the real files.
"""

from libc.string cimport strcmp

from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode
cimport lxml.includes.etreepublic as cetree

cetree.import_lxml__etree()

BUILT_WITH_LXML = cetree.LXML_VERSION_STRING.decode("ascii")


cdef inline bint _same_namespace(xmlNode* a, xmlNode* b):
    if a.ns is NULL or a.ns.href is NULL:
        return b.ns is NULL or b.ns.href is NULL
    return b.ns is not NULL and b.ns.href is not NULL and strcmp(<const char*>a.ns.href, <const char*>b.ns.href) == 0


cdef Py_ssize_t _position(xmlNode* node):
    """1 + the preceding element siblings with the same name and namespace."""
    cdef Py_ssize_t position = 1
    cdef xmlNode* sibling = node.prev
    while sibling is not NULL:
        if (sibling.type == tree.XML_ELEMENT_NODE and strcmp(<const char*>sibling.name, <const char*>node.name) == 0
                and _same_namespace(sibling, node)):
            position += 1
        sibling = sibling.prev
    return position


cdef str _step(xmlNode* node):
    name = (<bytes>node.name).decode("utf-8")
    if node.ns is NULL or node.ns.href is NULL:
        step = name
    elif node.ns.prefix is not NULL:
        step = (<bytes>node.ns.prefix).decode("utf-8") + ":" + name
    else:
        step = f"*[local-name()='{name}']"
    return f"/{step}[{_position(node)}]"


def relative_path(cetree._Element node, cetree._Element record):
    """The positional path from ``record`` down to ``node`` ("" for the record itself); None when
    ``node`` is not an element below ``record`` (the caller then counts in Python)."""
    cdef xmlNode* current = node._c_node
    cdef xmlNode* top = record._c_node
    cdef list steps = []
    while current is not top:
        if current is NULL or current.type != tree.XML_ELEMENT_NODE:
            return None
        steps.append(_step(current))
        current = current.parent
    steps.reverse()
    return "".join(steps)
