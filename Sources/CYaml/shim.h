#ifndef SHOTC_CYAML_SHIM_H
#define SHOTC_CYAML_SHIM_H
#include <yaml.h>
#endif
