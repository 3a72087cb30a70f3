/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __TLV_H__
#define __TLV_H__

#ifndef OTRL_TYPEDEF_OTRLTLV
#define OTRL_TYPEDEF_OTRLTLV
typedef struct s_OtrlTLV OtrlTLV;
#endif
#include <stddef.h>


#define OTRL_TLV_PADDING 0

#define OTRL_TLV_DISCONNECTED 1

#define OTRL_TLV_SMP1 2

#define OTRL_TLV_SMP2 3

#define OTRL_TLV_SMP3 4

#define OTRL_TLV_SMP4 5

#define OTRL_TLV_SMP_ABORT 6

#define OTRL_TLV_SMP1Q 7

#define OTRL_TLV_SYMKEY 8

/**
 * One TLV in a singly linked list; `data` is `malloc`ed and `len` bytes long.
 */
struct s_OtrlTLV {
  unsigned short type;
  unsigned short len;
  unsigned char *data;
  OtrlTLV *next;
};

/**
 * Makes a TLV holding a copy of `len` bytes of `data`; NULL if memory runs out.
 *
 * # Safety
 * `data` must point to `len` readable bytes (or be NULL when `len` is 0).
 */
OtrlTLV *otrl_tlv_new(unsigned short type, unsigned short len, const unsigned char *data);

/**
 * Parses serialized TLVs into a list (NULL when there are none), dropping a
 * truncated last record as libotr does.
 *
 * # Safety
 * `serialized` must point to `seriallen` readable bytes.
 */
OtrlTLV *otrl_tlv_parse(const unsigned char *serialized, size_t seriallen);

/**
 * Frees a whole TLV list.
 *
 * # Safety
 * `tlv` must be NULL or a list made by this library, not used afterwards.
 */
void otrl_tlv_free(OtrlTLV *tlv);

/**
 * The number of bytes `otrl_tlv_serialize` writes for the list.
 *
 * # Safety
 * `tlv` must be NULL or a valid list.
 */
size_t otrl_tlv_seriallen(const OtrlTLV *tlv);

/**
 * Writes the list into `buf`.
 *
 * # Safety
 * `buf` must be NULL (nothing is written) or have room for `otrl_tlv_seriallen(tlv)`
 * bytes; `tlv` must be a valid list.
 */
void otrl_tlv_serialize(unsigned char *buf, const OtrlTLV *tlv);

/**
 * The first TLV of the given type in the list, or NULL.
 *
 * # Safety
 * `tlvs` must be NULL or a valid list.
 */
OtrlTLV *otrl_tlv_find(OtrlTLV *tlvs, unsigned short type);

#endif  /* __TLV_H__ */
