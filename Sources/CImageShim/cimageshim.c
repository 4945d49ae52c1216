#include "cimageshim.h"
int sw_cimageshim_placeholder(void) { return 0; }
