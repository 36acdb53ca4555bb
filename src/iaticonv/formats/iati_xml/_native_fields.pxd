# cython: language_level=3
"""The cases of a child field both compiled walks branch on (``_xml_record_native``,
``_record_xml_native``), decided in one place from the model's own ``Kind`` when a plan is built."""

cdef enum:
    CHILD_ONE = 0        # at most one child of a model class
    CHILD_MANY = 1       # repeated children of a model class
    CHILD_NARR = 2       # narrative children: {language: text}
    CHILD_TEXT_ONE = 3   # at most one text-only child
    CHILD_TEXT_MANY = 4  # repeated text-only children


cdef inline int child_shape(object kind, bint many) except -1:
    """The case of a child field of the model's ``kind`` (``Kind.CHILD``, ``NARRATIVES``, ``TEXT_CHILD``)."""
    from iaticonv.model import Kind

    if kind is Kind.CHILD:
        return CHILD_MANY if many else CHILD_ONE
    if kind is Kind.NARRATIVES:
        return CHILD_NARR
    if kind is Kind.TEXT_CHILD:
        return CHILD_TEXT_MANY if many else CHILD_TEXT_ONE
    raise ValueError(f"not a child field: {kind!r}")
