#include "ccurlshim.h"
int sw_ccurlshim_placeholder(void) { return 0; }
