/* sfl_export.h - symbol visibility. The library is built with
 * -fvisibility=hidden; SFL_API marks the public entry points. */
#ifndef SFL_EXPORT_H
#define SFL_EXPORT_H

#if defined(SFL_STATIC_DEFINE) || !defined(__GNUC__)
#  define SFL_API
#else
#  define SFL_API __attribute__((visibility("default")))
#endif

#endif /* SFL_EXPORT_H */
