# cython: language_level=3, boundscheck=False, wraparound=False
"""A chunk's compiled walks, run in a thread of their own that never takes the GIL (optional build).

Why not a Python thread: each time a Python thread wants the GIL back (to start a job, to return
one) it waits for the main thread to give it up, up to the interpreter's switch interval (5 ms). A
chunk's walks take 2 ms, so a Python helper thread spent more time waiting than working, and the main
thread then waited for it. Here the thread is a plain POSIX thread started per chunk (tens of
microseconds): it runs the steps it was given — C functions that only read the chunk's libxml2 nodes
and write into buffers their owners made — and ends; ``join`` waits for it with the GIL released.

A step comes as a capsule named ``iaticonv.validate.step`` holding a ``Step``: the function and its
argument, owned by the object that made the capsule (``Job`` keeps those objects alive until joined).
"""

from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.stdlib cimport free, malloc

from iaticonv.validate._native_nodes cimport Step

cdef extern from "<pthread.h>" nogil:
    ctypedef struct pthread_t:
        pass
    int pthread_create(pthread_t* thread, const void* attributes, void* (*start)(void*) noexcept nogil, void* arg)
    int pthread_join(pthread_t thread, void** result)

cdef struct Steps:
    Step* steps
    Py_ssize_t count

STEP_CAPSULE = b"iaticonv.validate.step"


cdef void* _run(void* data) noexcept nogil:
    cdef Steps* todo = <Steps*> data
    cdef Py_ssize_t i
    for i in range(todo.count):
        todo.steps[i].function(todo.steps[i].arg)
    return NULL


cdef class Job:
    """Steps run in order in a new thread (``start``), waited for by ``join``; run here, in the calling
    thread, when a thread cannot be started. Joined on release, whatever happened before."""

    cdef Steps todo
    cdef pthread_t thread
    cdef bint running
    cdef list owners

    def __cinit__(self, list owners):
        """``owners``: objects with a ``step()`` method returning a step capsule (the chunk's walks)."""
        cdef Py_ssize_t i
        self.running = False
        self.owners = owners
        self.todo.count = 0
        self.todo.steps = <Step*> malloc(max(1, len(owners)) * sizeof(Step))
        if self.todo.steps is NULL:
            raise MemoryError()
        for i in range(len(owners)):
            self.todo.steps[i] = (<Step*> PyCapsule_GetPointer(owners[i].step(), STEP_CAPSULE))[0]
            self.todo.count = i + 1

    def start(self):
        if self.running:
            return
        with nogil:
            if pthread_create(&self.thread, NULL, _run, &self.todo) == 0:
                self.running = True
            else:
                _run(&self.todo)

    def join(self):
        if not self.running:
            return
        with nogil:
            pthread_join(self.thread, NULL)
        self.running = False

    def __dealloc__(self):
        if self.running:
            with nogil:
                pthread_join(self.thread, NULL)
        free(self.todo.steps)
