# cython: language_level=3, boundscheck=False, wraparound=False
"""A finding's positional XPath below its record, built in C from libxml2's nodes (optional build).

Why this exists: a big file has hundreds of thousands of findings, and :func:`._locate.relative_path`
spent about 5 µs on each (libxml's path of the whole document, then string surgery to put back the
``[1]`` it leaves out). Here the steps are counted and written directly, the same way the Python
reference counts them (``_locate._counted_path``): each element step is its name and its position
among the preceding siblings of the same name and namespace. Tests compare both on every finding of
the real files.
"""


from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode
cimport lxml.includes.etreepublic as cetree

from iaticonv.validate._native_nodes cimport position

cetree.import_lxml__etree()

BUILT_WITH_LXML = cetree.LXML_VERSION_STRING.decode("ascii")


cdef str _step(xmlNode* node):
    name = (<bytes>node.name).decode("utf-8")
    if node.ns is NULL or node.ns.href is NULL:
        step = name
    elif node.ns.prefix is not NULL:
        step = (<bytes>node.ns.prefix).decode("utf-8") + ":" + name
    else:
        step = f"*[local-name()='{name}']"
    return f"/{step}[{position(node)}]"


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
