# cython: language_level=3
"""A piece of a file parsed by libxml2 in the helper thread, then handed to lxml (optional build).

Why this exists: ``lxml.etree.iterparse`` holds the GIL while it parses, so the parse (a quarter of a
big file's validation) could not overlap the checks. The walker cuts a big file into pieces of records
(``pieces``); each piece is parsed here as a step of the helper thread's job (``_helper_native``), while
the main thread checks the piece before it, and is then adopted by lxml without a copy
(``etree.adopt_external_document``). libxml2 is lxml's own copy, its functions looked up in the loaded
``lxml.etree`` module, and it parses with the options lxml's parser gives it for ``_xml``'s safe
settings (no entity expansion, no network, no DTD), so a piece's tree is the tree lxml would build.
Why not a Python thread: it waited for the GIL before and after every parse, for up to the
interpreter's switch interval each time, and fell behind the main thread.

Errors are not collected: a piece that does not parse is simply not there (``tree`` gives None), and
the walker then walks the file with iterparse, which reports what is wrong.
"""

from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_New, PyCapsule_SetContext
from cpython.ref cimport Py_REFCNT
from libc.string cimport memchr

from lxml import etree
from lxml.includes.tree cimport xmlDoc, xmlNode
from lxml.includes.xmlerror cimport xmlError, xmlStructuredErrorFunc
from lxml.includes.xmlparser cimport xmlParserCtxt
cimport lxml.includes.etreepublic as cetree

from iaticonv.validate._native_nodes cimport Step, dlsym, loaded_library, step_capsule

cdef extern from "libxml/parser.h":
    int XML_PARSE_NOCDATA
    int XML_PARSE_NONET
    int XML_PARSE_COMPACT
    int XML_PARSE_BIG_LINES

cetree.import_lxml__etree()

BUILT_WITH_LXML = cetree.LXML_VERSION_STRING.decode("ascii")
# lxml's default options, less entity substitution: ``XMLParser(resolve_entities=False, no_network=True,
# load_dtd=False, huge_tree=False)`` as ``_xml`` sets it up, and iterparse's defaults otherwise
cdef int OPTIONS = XML_PARSE_NOCDATA | XML_PARSE_NONET | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES

ctypedef xmlParserCtxt* (*NewParser)() noexcept nogil
ctypedef xmlDoc* (*ReadMemory)(xmlParserCtxt*, const char*, int, const char*, const char*, int) noexcept nogil
ctypedef void (*FreeParser)(xmlParserCtxt*) noexcept nogil
ctypedef void (*FreeDoc)(xmlDoc*) noexcept nogil
ctypedef xmlDoc* (*NewDoc)(const unsigned char*) noexcept nogil
ctypedef xmlNode* (*NewDocNode)(xmlDoc*, void*, const unsigned char*, const unsigned char*) noexcept nogil
ctypedef xmlNode* (*DocSetRoot)(xmlDoc*, xmlNode*) noexcept nogil

cdef NewParser new_parser = NULL
cdef ReadMemory read_memory = NULL
cdef FreeParser free_parser = NULL
cdef FreeDoc free_doc = NULL
cdef NewDoc new_doc = NULL
cdef NewDocNode new_doc_node = NULL
cdef DocSetRoot doc_set_root = NULL

cdef const char* CAPSULE_NAME = b"libxml2:xmlDoc"
cdef const char* TAKE_OWNERSHIP = b"destructor:xmlFreeDoc"  # lxml's word for "adopt it, do not copy it"


cdef bint _bind(bytes library):
    global new_parser, read_memory, free_parser, free_doc, new_doc, new_doc_node, doc_set_root
    cdef void* handle = loaded_library(library)
    if handle is NULL:
        return False
    new_parser = <NewParser> dlsym(handle, b"xmlNewParserCtxt")
    read_memory = <ReadMemory> dlsym(handle, b"xmlCtxtReadMemory")
    free_parser = <FreeParser> dlsym(handle, b"xmlFreeParserCtxt")
    free_doc = <FreeDoc> dlsym(handle, b"xmlFreeDoc")
    new_doc = <NewDoc> dlsym(handle, b"xmlNewDoc")
    new_doc_node = <NewDocNode> dlsym(handle, b"xmlNewDocNode")
    doc_set_root = <DocSetRoot> dlsym(handle, b"xmlDocSetRootElement")
    return (new_parser is not NULL and read_memory is not NULL and free_parser is not NULL and free_doc is not NULL
            and new_doc is not NULL and new_doc_node is not NULL and doc_set_root is not NULL)


def bind(str library):
    """True when every libxml2 function this module calls was found in ``library`` (the path of the
    loaded ``lxml.etree`` extension)."""
    return _bind(library.encode())


cdef void _ignore(void* data, const xmlError* error) noexcept nogil:
    """Parse errors are not reported from here (see the module docstring), nor printed."""
    pass


cdef struct Work:
    const char* data
    int size
    xmlDoc* doc
    bint done


cdef void _parse_step(void* arg) noexcept nogil:
    """The step a helper thread runs: parse the piece's bytes into a document, or leave ``doc`` NULL."""
    cdef Work* work = <Work*> arg
    cdef xmlParserCtxt* parser = new_parser()
    if parser is not NULL:
        parser.sax.serror = <xmlStructuredErrorFunc> _ignore
        work.doc = read_memory(parser, work.data, work.size, NULL, NULL, OPTIONS)
        if work.doc is not NULL and not parser.wellFormed:
            free_doc(work.doc)
            work.doc = NULL
        free_parser(parser)
    work.done = True


cdef void _drop(object capsule) noexcept:
    """The capsule's destructor, for a document lxml did not take."""
    cdef xmlDoc* doc = <xmlDoc*> PyCapsule_GetPointer(capsule, CAPSULE_NAME)
    if doc is not NULL:
        free_doc(doc)


cdef class PieceParse:
    """One piece's parse: set up here (with the GIL), run as a step of a helper thread's job or here,
    read back once with ``tree``. Holds the bytes until it is released, so the step never reads freed
    memory, and frees a document nobody took."""

    cdef bytes data
    cdef Work work
    cdef Step step_data

    def __cinit__(self, bytes data):
        if len(data) > 0x7FFFFFFF:
            raise ValueError("a piece is larger than libxml2 parses from memory")
        self.data = data
        self.work.data = data
        self.work.size = <int> len(data)
        self.work.doc = NULL
        self.work.done = False
        self.step_data.function = _parse_step
        self.step_data.arg = &self.work

    def step(self):
        """The step capsule for a helper thread's job."""
        return step_capsule(&self.step_data)

    def run_here(self):
        with nogil:
            _parse_step(&self.work)

    def tree(self):
        """The parsed piece as an lxml ``ElementTree`` (lxml owns the document from then on), or None
        when it did not parse or the step has not run."""
        if not self.work.done or self.work.doc is NULL:
            return None
        capsule = PyCapsule_New(self.work.doc, CAPSULE_NAME, _drop)
        self.work.doc = NULL
        PyCapsule_SetContext(capsule, <void*> TAKE_OWNERSHIP)
        return etree.adopt_external_document(capsule)

    def __dealloc__(self):
        if self.work.doc is not NULL:
            free_doc(self.work.doc)


cdef void _free_step(void* arg) noexcept nogil:
    """The step a helper thread runs: free a piece's document (all its nodes, its names)."""
    cdef xmlDoc** doc = <xmlDoc**> arg
    if doc[0] is not NULL:
        free_doc(doc[0])
        doc[0] = NULL


cdef class PieceFree:
    """A checked piece's document, taken from lxml (``detach``) to be freed as a step of the next
    helper job: freeing a piece's thousands of nodes cost the main thread a twelfth of its time.
    Freed here when released if no job ran it."""

    cdef xmlDoc* doc
    cdef Step step_data

    def __cinit__(self):
        self.doc = NULL
        self.step_data.function = _free_step
        self.step_data.arg = &self.doc

    def step(self):
        """The step capsule for a helper thread's job."""
        return step_capsule(&self.step_data)

    def run_here(self):
        with nogil:
            _free_step(&self.doc)

    def __dealloc__(self):
        if self.doc is not NULL:
            free_doc(self.doc)


def detach(cetree._Element root):
    """Take the document of ``root`` (a piece's root element) from lxml, to be freed by a helper job:
    a ``PieceFree``. None, and lxml keeps the document, when any other element of it is alive: every
    lxml element holds its document, so then some code could still reach a node. ``root`` itself (and
    a tree that holds it) is moved to a stand-in: an empty element of the same name in an empty
    document, which lxml frees as usual; so nothing lxml holds points into the taken document."""
    cdef cetree._Document document = root._doc
    cdef xmlNode* top = root._c_node
    # the references: ``root._doc`` and ``document`` here; a third is another element's (or a tree's)
    if Py_REFCNT(document) != 2 or top.parent is not <xmlNode*> document._c_doc or top._private is not <void*> root:
        return None
    cdef xmlDoc* empty = new_doc(b"1.0")
    if empty is NULL:
        return None
    cdef xmlNode* stand_in = new_doc_node(empty, NULL, top.name, NULL)
    if stand_in is NULL:
        free_doc(empty)
        return None
    doc_set_root(empty, stand_in)
    cdef PieceFree taken = PieceFree()
    taken.doc = document._c_doc
    top._private = NULL
    stand_in._private = <void*> root
    root._c_node = stand_in
    document._c_doc = empty
    return taken


def count_newlines(const unsigned char[:] data, Py_ssize_t start, Py_ssize_t end):
    """Newlines in ``data[start:end]`` (``bytes.count`` compares byte by byte; ``memchr`` skips ahead
    a vector at a time, and ``pieces`` counts every newline of a big file)."""
    cdef Py_ssize_t found = 0
    start, end = max(0, start), min(end, data.shape[0])
    if start >= end:
        return 0
    cdef const unsigned char* at = &data[start]
    cdef const unsigned char* stop = &data[0] + end
    with nogil:
        while at < stop:
            at = <const unsigned char*> memchr(at, 10, stop - at)
            if at is NULL:
                break
            found += 1
            at += 1
    return found
