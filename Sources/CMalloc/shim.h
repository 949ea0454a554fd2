#ifndef SHOTC_CMALLOC_SHIM_H
#define SHOTC_CMALLOC_SHIM_H
// glibc's malloc tuning (mallopt), which the Glibc module leaves out.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
#endif
