/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __VERSION_H__
#define __VERSION_H__

#define OTRL_VERSION "4.1.1"


#define OTRL_VERSION_MAJOR 4

#define OTRL_VERSION_MINOR 1

#define OTRL_VERSION_SUB 1

#endif  /* __VERSION_H__ */
