# cython: language_level=3
"""What the validator's compiled modules share about libxml2's nodes and the helper thread's steps.

``same_name`` compares a node's name with a wanted one (the compiled walks compare millions);
``position`` counts an element's step in a positional XPath exactly as ``locate`` does in Python
(``_locate_native`` builds findings' paths with it, ``_codelists_native`` the paths of the spots it
places); ``Step`` is what a compiled check hands the helper thread (``_helper_native`` runs it,
``_xsd_native`` and ``_parse_native`` make it, ``step_capsule`` wraps it): a function that needs no
GIL and its argument; ``loaded_library`` finds lxml's own libxml2 for ``_xsd_native`` and
``_parse_native``.
"""

from cpython.pycapsule cimport PyCapsule_New
from libc.string cimport strcmp

from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode


cdef extern from "<dlfcn.h>" nogil:
    void* dlopen(const char* filename, int flags)
    void* dlsym(void* handle, const char* symbol)
    int RTLD_NOW
    int RTLD_NOLOAD


cdef inline void* loaded_library(bytes path):
    """The handle of a library the process has loaded already (lxml.etree, whose libxml2 functions
    the compiled checks look up), or NULL: never a second copy of it."""
    return dlopen(path, RTLD_NOW | RTLD_NOLOAD)


ctypedef void (*StepFunction)(void* arg) noexcept nogil

cdef struct Step:
    StepFunction function
    void* arg


cdef inline object step_capsule(Step* step):
    """A step handed to the helper thread's job (``_helper_native.Job``), in its named capsule."""
    return PyCapsule_New(step, b"iaticonv.validate.step", NULL)


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
