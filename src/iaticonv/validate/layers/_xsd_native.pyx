# cython: language_level=3, boundscheck=False, wraparound=False
"""The XSD layer's validation of a chunk, run by libxml2 with the GIL released (optional build).

Why this exists: lxml holds the GIL while libxml2 validates, so the schema check (a sixth of a big
file's validation) cannot overlap anything else. Here the same libxml2 — lxml's own copy, its
functions looked up in the loaded ``lxml.etree`` module, never a second library — validates a chunk's
small document with the GIL released, as a step of the helper thread's job (``_helper_native``),
while the main thread runs the other layers on the same chunk (both only read it). Errors are
collected in C and placed in their record afterwards: which record holds the node, and libxml2's own
path of the node below that record, exactly what lxml reports when the record is validated alone.
Tests compare both ways on every official schema test and every real file.
"""

from libc.stdlib cimport free, realloc
from libc.string cimport strdup, strlen

from lxml.includes cimport tree
from lxml.includes.tree cimport xmlDoc, xmlNode
from lxml.includes.xmlerror cimport xmlError, xmlStructuredErrorFunc
cimport lxml.includes.etreepublic as cetree

from iaticonv.validate._native_nodes cimport Step, dlsym, loaded_library, step_capsule

cdef extern from "libxml/xmlschemas.h":
    ctypedef struct xmlSchema
    ctypedef struct xmlSchemaParserCtxt
    ctypedef struct xmlSchemaValidCtxt

cetree.import_lxml__etree()

BUILT_WITH_LXML = cetree.LXML_VERSION_STRING.decode("ascii")

ctypedef xmlSchemaParserCtxt* (*NewDocParser)(xmlDoc*) noexcept nogil
ctypedef xmlSchema* (*ParseSchema)(xmlSchemaParserCtxt*) noexcept nogil
ctypedef void (*FreeParser)(xmlSchemaParserCtxt*) noexcept nogil
ctypedef void (*SetParserErrors)(xmlSchemaParserCtxt*, xmlStructuredErrorFunc, void*) noexcept nogil
ctypedef void (*FreeSchema)(xmlSchema*) noexcept nogil
ctypedef xmlSchemaValidCtxt* (*NewValidator)(xmlSchema*) noexcept nogil
ctypedef void (*SetValidErrors)(xmlSchemaValidCtxt*, xmlStructuredErrorFunc, void*) noexcept nogil
ctypedef int (*ValidateDoc)(xmlSchemaValidCtxt*, xmlDoc*) noexcept nogil
ctypedef void (*FreeValidator)(xmlSchemaValidCtxt*) noexcept nogil
ctypedef unsigned char* (*NodePath)(const xmlNode*) noexcept nogil
ctypedef void (*Free)(void*) noexcept nogil
ctypedef int (*MemGet)(Free*, void**, void**, void**) noexcept nogil

cdef NewDocParser new_doc_parser = NULL
cdef ParseSchema parse_schema = NULL
cdef FreeParser free_parser = NULL
cdef SetParserErrors set_parser_errors = NULL
cdef FreeSchema free_schema = NULL
cdef NewValidator new_validator = NULL
cdef SetValidErrors set_valid_errors = NULL
cdef ValidateDoc validate_doc = NULL
cdef FreeValidator free_validator = NULL
cdef NodePath node_path = NULL
cdef Free xml_free = NULL


cdef bint _bind(bytes library):
    """Look up the libxml2 functions in ``library`` (lxml.etree, or a library it loaded)."""
    global new_doc_parser, parse_schema, free_parser, set_parser_errors, free_schema, new_validator
    global set_valid_errors, validate_doc, free_validator, node_path, xml_free
    cdef void* handle = loaded_library(library)
    if handle is NULL:
        return False
    new_doc_parser = <NewDocParser> dlsym(handle, b"xmlSchemaNewDocParserCtxt")
    parse_schema = <ParseSchema> dlsym(handle, b"xmlSchemaParse")
    free_parser = <FreeParser> dlsym(handle, b"xmlSchemaFreeParserCtxt")
    set_parser_errors = <SetParserErrors> dlsym(handle, b"xmlSchemaSetParserStructuredErrors")
    free_schema = <FreeSchema> dlsym(handle, b"xmlSchemaFree")
    new_validator = <NewValidator> dlsym(handle, b"xmlSchemaNewValidCtxt")
    set_valid_errors = <SetValidErrors> dlsym(handle, b"xmlSchemaSetValidStructuredErrors")
    validate_doc = <ValidateDoc> dlsym(handle, b"xmlSchemaValidateDoc")
    free_validator = <FreeValidator> dlsym(handle, b"xmlSchemaFreeValidCtxt")
    node_path = <NodePath> dlsym(handle, b"xmlGetNodePath")
    cdef MemGet mem_get = <MemGet> dlsym(handle, b"xmlMemGet")
    if mem_get is NULL or mem_get(&xml_free, NULL, NULL, NULL) != 0:
        xml_free = NULL
    return (new_doc_parser is not NULL and parse_schema is not NULL and free_parser is not NULL
            and set_parser_errors is not NULL and free_schema is not NULL and new_validator is not NULL
            and set_valid_errors is not NULL and validate_doc is not NULL and free_validator is not NULL
            and node_path is not NULL and xml_free is not NULL)


def bind(str library):
    """True when every libxml2 function this module calls was found in ``library`` (the path of the
    loaded ``lxml.etree`` extension)."""
    return _bind(library.encode())


cdef struct Problem:
    int line
    int column
    const void* node
    char* message  # a copy (malloc), or NULL


cdef struct Problems:
    Problem* items
    Py_ssize_t count
    Py_ssize_t size
    bint lost  # out of memory: an error could not be kept


cdef void _collect(void* data, const xmlError* error) noexcept nogil:
    """libxml2's structured error callback: keep line, column, node and a copy of the message."""
    cdef Problems* found = <Problems*> data
    cdef Problem* grown
    if found.count == found.size:
        grown = <Problem*> realloc(found.items, (found.size * 2 + 16) * sizeof(Problem))
        if grown is NULL:
            found.lost = True
            return
        found.items = grown
        found.size = found.size * 2 + 16
    cdef Problem* item = &found.items[found.count]
    item.line = error.line
    item.column = error.int2
    item.node = error.node
    item.message = strdup(error.message) if error.message is not NULL else NULL
    if error.message is not NULL and item.message is NULL:
        found.lost = True
        return
    found.count += 1


cdef void _release(Problems* found) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(found.count):
        free(found.items[i].message)
    free(found.items)
    found.items = NULL
    found.count = found.size = 0


cdef str _node_path(const xmlNode* node):
    cdef unsigned char* path = node_path(node)
    if path is NULL:
        return None
    try:
        return (<bytes> path).decode("utf-8", "replace")
    finally:
        xml_free(path)


cdef str _message(const char* message):
    """The message as lxml gives it (``_LogEntry.message``): UTF-8, one trailing newline dropped."""
    if message is NULL or message[0] == 0:
        return "unknown error"
    cdef Py_ssize_t size = strlen(message)
    if message[size - 1] == b"\n":
        size -= 1
    raw = message[:size]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("ascii", "backslashreplace")


cdef class ChunkSchema:
    """One compiled XSD (from an lxml tree of the schema file, kept alive with it)."""

    cdef xmlSchema* schema
    cdef object source

    def __cinit__(self, cetree._Element schema_root):
        self.source = schema_root
        cdef xmlSchemaParserCtxt* parser = new_doc_parser(schema_root._doc._c_doc)
        if parser is NULL:
            raise ValueError("the schema could not be read")
        cdef Problems ignored
        ignored.items = NULL
        ignored.count = ignored.size = 0
        ignored.lost = False
        set_parser_errors(parser, <xmlStructuredErrorFunc> _collect, &ignored)
        self.schema = parse_schema(parser)
        free_parser(parser)
        _release(&ignored)
        if self.schema is NULL:
            raise ValueError("the schema does not compile")

    def __dealloc__(self):
        if self.schema is not NULL:
            free_schema(self.schema)

    def run(self, cetree._Element root):
        """A ``ChunkRun`` of this schema on the chunk under ``root``."""
        return ChunkRun(self, root)

    def validate(self, cetree._Element root):
        """Validate the document whose root element is ``root`` (a chunk of records), here and now,
        without the GIL: ``ChunkRun``'s step, run in this thread."""
        run = ChunkRun(self, root)
        run.run_here()
        return run.placed()


cdef struct Work:
    xmlSchemaValidCtxt* validator
    xmlDoc* doc
    Problems found
    int status
    bint done


cdef void _validate_step(void* data) noexcept nogil:
    """The step a helper thread runs: libxml2 validates the chunk's document; errors go to ``found``."""
    cdef Work* work = <Work*> data
    if work.validator is not NULL:
        work.status = validate_doc(work.validator, work.doc)
    work.done = True


cdef class ChunkRun:
    """One chunk's XSD check: set up here (with the GIL), run as a step of a helper thread's job
    (``_helper_native``) or here, read back with ``placed``. Holds the chunk's root and the schema
    until it is released, so the step never reads freed nodes."""

    cdef ChunkSchema schema
    cdef cetree._Element root
    cdef Work work
    cdef Step step_data
    cdef bint usable

    def __cinit__(self, ChunkSchema schema, cetree._Element root):
        self.schema, self.root = schema, root
        self.work.validator = NULL
        self.work.found.items = NULL
        self.work.found.count = self.work.found.size = 0
        self.work.found.lost = False
        self.work.status = -1
        self.work.done = False
        self.work.doc = root._doc._c_doc
        self.usable = root._c_node.parent is <xmlNode*> root._doc._c_doc  # the document's own root
        if self.usable:
            self.work.validator = new_validator(schema.schema)
            if self.work.validator is not NULL:
                set_valid_errors(self.work.validator, <xmlStructuredErrorFunc> _collect, &self.work.found)
        self.step_data.function = _validate_step
        self.step_data.arg = &self.work

    def step(self):
        """The step capsule for a helper thread's job."""
        return step_capsule(&self.step_data)

    def run_here(self):
        with nogil:
            _validate_step(&self.work)

    def placed(self):
        """After the step ran: (record index, line, column, libxml2's path below the record, message)
        for each error inside a record, in libxml2's order; errors on the root itself are left out (a
        chunk's container is no real root: the file's root is checked on its own). None when an error
        cannot be placed in a record, or was lost, or the step did not run: the caller then validates
        record by record."""
        if not self.usable or self.work.validator is NULL or not self.work.done:
            return None
        if self.work.found.lost or self.work.status < 0:
            return None
        return _placed(&self.work.found, self.root._c_node)

    def __dealloc__(self):
        if self.work.validator is not NULL:
            free_validator(self.work.validator)
        _release(&self.work.found)


cdef list _placed(Problems* found, xmlNode* top):
    cdef list out = []
    cdef Py_ssize_t i, index
    cdef const xmlNode* node
    cdef const xmlNode* record
    cdef const xmlNode* sibling
    for i in range(found.count):
        node = <const xmlNode*> found.items[i].node
        if node is top:
            continue
        record = node
        while record is not NULL and record.parent is not top:
            record = record.parent
        if record is NULL or record.type != tree.XML_ELEMENT_NODE:
            return None
        index = 0
        sibling = record.prev
        while sibling is not NULL:
            if sibling.type == tree.XML_ELEMENT_NODE:
                index += 1
            sibling = sibling.prev
        full, head = _node_path(node), _node_path(record)
        if full is None or head is None or not full.startswith(head):
            return None
        out.append((index, found.items[i].line, found.items[i].column, full[len(head):],
                    _message(found.items[i].message)))
    return out
