#ifndef SHOTC_CCURL_SHIM_H
#define SHOTC_CCURL_SHIM_H
#include <curl/curl.h>
#endif
