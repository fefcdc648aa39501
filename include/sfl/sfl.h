/* sfl.h - umbrella header of the sfl C library (sparse factorization layers). */
#ifndef SFL_H
#define SFL_H

#include <sfl/sfl_export.h>
#include <sfl/sfl_status.h>
#include <sfl/sfl_version.h>
#include <sfl/sfl_types.h>
#include <sfl/sfl_enet.h>
#include <sfl/sfl_patch.h>
#include <sfl/sfl_layers.h>
#include <sfl/sfl_nn.h>
#include <sfl/sfl_model.h>

#endif /* SFL_H */
