/* sfl.h - umbrella header of the sfl C library (sparse factorization layers). */
#ifndef SFL_H
#define SFL_H

#include "sfl_export.h"
#include "sfl_status.h"
#include "sfl_version.h"
#include "sfl_types.h"
#include "sfl_enet.h"

#endif /* SFL_H */
