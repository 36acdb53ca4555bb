# cython: language_level=3
"""What the validator's compiled modules share about libxml2's nodes, which they only read.

``same_name`` compares a node's name with a wanted one (the compiled walks compare millions);
``position`` counts an element's step in a positional XPath exactly as ``_locate`` does in Python
(``_locate_native`` builds findings' paths with it, ``_codelists_native`` the paths of the spots it
places). The nodes come from lxml's public C API (an ``_Element``'s ``_c_node``), read in the main
thread while it holds the GIL, never written.
"""

from libc.string cimport strcmp

from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode


cdef inline bint same_name(const unsigned char* a, const char* b) noexcept nogil:
    """Two names equal: the first bytes compared here, which settles most pairs without a call."""
    return a[0] == <unsigned char> b[0] and strcmp(<const char*> a, b) == 0


cdef inline bint same_namespace(xmlNode* a, xmlNode* b) noexcept:
    if a.ns is NULL or a.ns.href is NULL:
        return b.ns is NULL or b.ns.href is NULL
    return b.ns is not NULL and b.ns.href is not NULL and strcmp(<const char*>a.ns.href, <const char*>b.ns.href) == 0


cdef inline Py_ssize_t position(xmlNode* node) noexcept:
    """1 + the preceding element siblings with the same name and namespace (libxml2 keeps one copy
    of each name, so equal pointers are equal names; other names are compared as strings)."""
    cdef Py_ssize_t found = 1
    cdef xmlNode* sibling = node.prev
    while sibling is not NULL:
        if (sibling.type == tree.XML_ELEMENT_NODE and (sibling.name == node.name or strcmp(
                <const char*>sibling.name, <const char*>node.name) == 0) and same_namespace(sibling, node)):
            found += 1
        sibling = sibling.prev
    return found
