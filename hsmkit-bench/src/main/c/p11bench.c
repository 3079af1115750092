/*
 * The PKCS#11 client of scripts/bench-e2e.sh: one program that drives two PKCS#11 modules (the
 * emulated card through opensc-pkcs11.so, and SoftHSMv2) with the same calls, keys of the same
 * types and the same message, alternating between them, plus raw PC/SC round trips (the floor).
 *
 *   p11bench init MODULE LABEL          initialise the first free token of MODULE (SoftHSM):
 *                                       C_InitToken, C_InitPIN (PINs from P11BENCH_SO_PIN and
 *                                       P11BENCH_PIN, never argv)
 *   p11bench keys MODULE LABEL          log in and make the benchmark keys bench-rsa (RSA-2048)
 *                                       and bench-ec (P-256) unless present
 *   p11bench run ROUNDS SECONDS OPS A_MODULE A_LABEL B_MODULE B_LABEL
 *                                       each round: every op in OPS (comma list, or "all") on A and
 *                                       B, order alternating per round, SECONDS per op and side.
 *                                       Prints "R<TAB>op<TAB>side<TAB>round<TAB>n<TAB>median_ns
 *                                       <TAB>t0_ns<TAB>t1_ns" (t0..t1: CLOCK_MONOTONIC span).
 *                                       P11BENCH_FIRST_ROUND=K numbers the rounds from K.
 *   p11bench apdu SECONDS FLOOR_READER CARD_READER
 *                                       one round (P11BENCH_FIRST_ROUND): SCardTransmit(GET
 *                                       CHALLENGE) on both readers (one window, alternating per
 *                                       APDU), then on the floor reader inside
 *                                       Begin/EndTransaction; R lines as above.
 *   p11bench count MODULE LABEL OP     run OP twice, the second between P11BENCH-MARK and
 *                                       P11BENCH-END on stderr (to count APDUs in OpenSC's log)
 *   p11bench throughput MODULE LABEL OP SECONDS START_MS
 *                                       waits until CLOCK_REALTIME START_MS (ms since the epoch),
 *                                       then runs OP for SECONDS; prints "T<TAB>op<TAB>n<TAB>ns"
 *
 * LABEL selects the token whose label starts with it. The user PIN comes from P11BENCH_PIN.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/rsa.h>
#include <openssl/bn.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <winscard.h>
#include <p11-kit/pkcs11.h>

#define die(...) do { fprintf(stderr, "p11bench: " __VA_ARGS__); fputc('\n', stderr); exit(1); } while (0)
#define CK(side, call) do { CK_RV rv_ = (call); if (rv_ != CKR_OK) \
  die("%s: %s failed: 0x%lx", (side)->name, #call, (unsigned long)rv_); } while (0)

static const unsigned char P256_OID[] = {0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
/* The generator of P-256, uncompressed: a valid peer point for ECDH. */
static const unsigned char P256_G[] = {
    0x04, 0x6B, 0x17, 0xD1, 0xF2, 0xE1, 0x2C, 0x42, 0x47, 0xF8, 0xBC, 0xE6, 0xE5, 0x63, 0xA4, 0x40,
    0xF2, 0x77, 0x03, 0x7D, 0x81, 0x2D, 0xEB, 0x33, 0xA0, 0xF4, 0xA1, 0x39, 0x45, 0xD8, 0x98, 0xC2,
    0x96, 0x4F, 0xE3, 0x42, 0xE2, 0xFE, 0x1A, 0x7F, 0x9B, 0x8E, 0xE7, 0xEB, 0x4A, 0x7C, 0x0F, 0x9E,
    0x16, 0x2B, 0xCE, 0x33, 0x57, 0x6B, 0x31, 0x5E, 0xCE, 0xCB, 0xB6, 0x40, 0x68, 0x37, 0xBF, 0x51,
    0xF5};

/* The message every signature covers: 256 fixed bytes. */
static unsigned char MSG[256];
static unsigned char MSG_HASH[32];

typedef struct {
  const char *name;
  CK_FUNCTION_LIST_PTR f;
  CK_SESSION_HANDLE s;
  CK_OBJECT_HANDLE rsa, rsa_pub, ec;
  unsigned char ct[512];
  CK_ULONG ctlen;
  unsigned tmp_id;
  const char *pin;
  int hash_in_client; /* no CKM_ECDSA_SHA256 (SoftHSM 2.6): SHA-256 here, then CKM_ECDSA */
} side_t;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static const char *env_pin(const char *var) {
  const char *p = getenv(var);
  if (!p || !*p) die("%s is not set", var);
  return p;
}

static CK_FUNCTION_LIST_PTR load(const char *path) {
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) die("cannot load %s: %s", path, dlerror());
  CK_C_GetFunctionList gfl = (CK_C_GetFunctionList)dlsym(h, "C_GetFunctionList");
  if (!gfl) die("%s has no C_GetFunctionList", path);
  CK_FUNCTION_LIST_PTR f;
  if (gfl(&f) != CKR_OK) die("C_GetFunctionList failed for %s", path);
  CK_RV rv = f->C_Initialize(NULL);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) die("C_Initialize(%s): 0x%lx", path, rv);
  return f;
}

/* The first slot whose token label starts with label (label NULL: the first uninitialised one). */
static CK_SLOT_ID find_slot(CK_FUNCTION_LIST_PTR f, const char *label, const char *path) {
  CK_SLOT_ID slots[64];
  CK_ULONG n = 64;
  if (f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK) die("C_GetSlotList(%s) failed", path);
  for (CK_ULONG i = 0; i < n; i++) {
    CK_TOKEN_INFO ti;
    if (f->C_GetTokenInfo(slots[i], &ti) != CKR_OK) continue;
    if (label == NULL) {
      if (!(ti.flags & CKF_TOKEN_INITIALIZED)) return slots[i];
    } else if (strlen(label) <= sizeof ti.label && memcmp(ti.label, label, strlen(label)) == 0) {
      return slots[i];
    }
  }
  die("%s: no token %s%s", path, label ? "labelled " : "uninitialised", label ? label : "");
}

static CK_OBJECT_HANDLE find_key(side_t *x, CK_OBJECT_CLASS cls, const char *label) {
  CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_LABEL, (void *)label, strlen(label)}};
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  CK_ULONG n = 0;
  CK(x, x->f->C_FindObjectsInit(x->s, t, 2));
  CK(x, x->f->C_FindObjects(x->s, &h, 1, &n));
  CK(x, x->f->C_FindObjectsFinal(x->s));
  return n == 1 ? h : CK_INVALID_HANDLE;
}

static CK_RV login(side_t *x) {
  CK_RV rv = x->f->C_Login(x->s, CKU_USER, (CK_UTF8CHAR_PTR)x->pin, strlen(x->pin));
  return rv == CKR_USER_ALREADY_LOGGED_IN ? CKR_OK : rv;
}

static void open_side(side_t *x, const char *path, const char *label) {
  memset(x, 0, sizeof *x);
  x->name = label;
  x->pin = env_pin("P11BENCH_PIN");
  x->f = load(path);
  CK_SLOT_ID slot = find_slot(x->f, label, path);
  CK(x, x->f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &x->s));
  CK(x, login(x));
  x->tmp_id = 0x70;
}

static CK_RV genkey(side_t *x, int rsa, const char *label, unsigned char id, CK_OBJECT_HANDLE *pub,
                    CK_OBJECT_HANDLE *priv) {
  CK_BBOOL yes = CK_TRUE;
  CK_ULONG bits = 2048;
  unsigned char e[] = {1, 0, 1};
  CK_MECHANISM m = {rsa ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, NULL, 0};
  CK_ATTRIBUTE pubt[] = {
      {CKA_TOKEN, &yes, sizeof yes}, {CKA_VERIFY, &yes, sizeof yes},
      {CKA_LABEL, (void *)label, strlen(label)}, {CKA_ID, &id, 1},
      {rsa ? CKA_MODULUS_BITS : CKA_EC_PARAMS, rsa ? (void *)&bits : (void *)P256_OID,
       rsa ? sizeof bits : sizeof P256_OID},
      {CKA_PUBLIC_EXPONENT, e, sizeof e}, {CKA_ENCRYPT, &yes, sizeof yes}};
  CK_ATTRIBUTE privt[] = {
      {CKA_TOKEN, &yes, sizeof yes}, {CKA_PRIVATE, &yes, sizeof yes},
      {CKA_SENSITIVE, &yes, sizeof yes}, {CKA_SIGN, &yes, sizeof yes},
      {CKA_LABEL, (void *)label, strlen(label)}, {CKA_ID, &id, 1},
      {rsa ? CKA_DECRYPT : CKA_DERIVE, &yes, sizeof yes}};
  return x->f->C_GenerateKeyPair(x->s, &m, pubt, rsa ? 7 : 5, privt, 7, pub, priv);
}

/* The RSA key's public half, made into a PKCS#1 v1.5 ciphertext of 32 bytes with OpenSSL. */
static void make_ciphertext(side_t *x) {
  unsigned char mod[512], exp[16];
  CK_ATTRIBUTE t[] = {{CKA_MODULUS, mod, sizeof mod}, {CKA_PUBLIC_EXPONENT, exp, sizeof exp}};
  CK(x, x->f->C_GetAttributeValue(x->s, x->rsa_pub, t, 2));
  RSA *r = RSA_new();
  RSA_set0_key(r, BN_bin2bn(mod, (int)t[0].ulValueLen, NULL), BN_bin2bn(exp, (int)t[1].ulValueLen, NULL),
               NULL);
  int n = RSA_public_encrypt(32, MSG_HASH, x->ct, r, RSA_PKCS1_PADDING);
  RSA_free(r);
  if (n <= 0) die("%s: RSA_public_encrypt failed", x->name);
  x->ctlen = (CK_ULONG)n;
}

static void find_keys(side_t *x) {
  x->rsa = find_key(x, CKO_PRIVATE_KEY, "bench-rsa");
  x->rsa_pub = find_key(x, CKO_PUBLIC_KEY, "bench-rsa");
  x->ec = find_key(x, CKO_PRIVATE_KEY, "bench-ec");
  if (x->rsa == CK_INVALID_HANDLE || x->rsa_pub == CK_INVALID_HANDLE || x->ec == CK_INVALID_HANDLE)
    die("%s: the benchmark keys are missing (p11bench keys)", x->name);
  make_ciphertext(x);
}

/* --- operations ---------------------------------------------------------------------------- */

typedef CK_RV (*op_fn)(side_t *);

static CK_RV sign(side_t *x, CK_MECHANISM *m, CK_OBJECT_HANDLE k, const unsigned char *d, CK_ULONG n) {
  unsigned char sig[512];
  CK_ULONG len = sizeof sig;
  CK_RV rv = x->f->C_SignInit(x->s, m, k);
  return rv != CKR_OK ? rv : x->f->C_Sign(x->s, (CK_BYTE_PTR)d, n, sig, &len);
}

static CK_RV op_ecdsa(side_t *x) {
  CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
  return sign(x, &m, x->ec, MSG_HASH, sizeof MSG_HASH);
}

static CK_RV op_ecdsa_sha256(side_t *x) {
  if (x->hash_in_client) {
    unsigned char h[32];
    CK_MECHANISM m = {CKM_ECDSA, NULL, 0};
    SHA256(MSG, sizeof MSG, h);
    return sign(x, &m, x->ec, h, sizeof h);
  }
  CK_MECHANISM m = {CKM_ECDSA_SHA256, NULL, 0};
  CK_RV rv = sign(x, &m, x->ec, MSG, sizeof MSG);
  if (rv == CKR_MECHANISM_INVALID) {
    printf("N\t%s\tno CKM_ECDSA_SHA256: SHA-256 in the client, then CKM_ECDSA\n", x->name);
    x->hash_in_client = 1;
    return op_ecdsa_sha256(x);
  }
  return rv;
}

static CK_RV op_rsa_pkcs(side_t *x) {
  CK_MECHANISM m = {CKM_SHA256_RSA_PKCS, NULL, 0};
  return sign(x, &m, x->rsa, MSG, sizeof MSG);
}

static CK_RV op_rsa_pss(side_t *x) {
  CK_RSA_PKCS_PSS_PARAMS p = {CKM_SHA256, CKG_MGF1_SHA256, 32};
  CK_MECHANISM m = {CKM_SHA256_RSA_PKCS_PSS, &p, sizeof p};
  return sign(x, &m, x->rsa, MSG, sizeof MSG);
}

static CK_RV op_decrypt(side_t *x) {
  CK_MECHANISM m = {CKM_RSA_PKCS, NULL, 0};
  unsigned char out[512];
  CK_ULONG len = sizeof out;
  CK_RV rv = x->f->C_DecryptInit(x->s, &m, x->rsa);
  if (rv == CKR_OK) rv = x->f->C_Decrypt(x->s, x->ct, x->ctlen, out, &len);
  if (rv == CKR_OK && (len != 32 || memcmp(out, MSG_HASH, 32) != 0)) return CKR_GENERAL_ERROR;
  return rv;
}

static uint64_t untimed_ns; /* time an op spends on untimed housekeeping, subtracted */

static CK_RV op_ecdh(side_t *x) {
  CK_ECDH1_DERIVE_PARAMS p = {CKD_NULL, 0, NULL, sizeof P256_G, (CK_BYTE_PTR)P256_G};
  CK_MECHANISM m = {CKM_ECDH1_DERIVE, &p, sizeof p};
  CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
  CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
  CK_BBOOL no = CK_FALSE, yes = CK_TRUE;
  CK_ULONG len = 32;
  CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_KEY_TYPE, &kt, sizeof kt},
                      {CKA_TOKEN, &no, sizeof no},    {CKA_SENSITIVE, &no, sizeof no},
                      {CKA_EXTRACTABLE, &yes, sizeof yes}, {CKA_VALUE_LEN, &len, sizeof len}};
  CK_OBJECT_HANDLE h;
  CK_RV rv = x->f->C_DeriveKey(x->s, &m, x->ec, t, 6, &h);
  if (rv == CKR_OK) {
    uint64_t t0 = now_ns();
    x->f->C_DestroyObject(x->s, h);
    untimed_ns += now_ns() - t0;
  }
  return rv;
}

static CK_RV op_login(side_t *x) {
  uint64_t t0 = now_ns();
  CK_RV rv = x->f->C_Logout(x->s);
  untimed_ns += now_ns() - t0;
  if (rv != CKR_OK) return rv;
  rv = login(x);
  /* SoftHSM forgets private-object handles at logout: look them up again, untimed */
  t0 = now_ns();
  x->rsa = find_key(x, CKO_PRIVATE_KEY, "bench-rsa");
  x->ec = find_key(x, CKO_PRIVATE_KEY, "bench-ec");
  untimed_ns += now_ns() - t0;
  return rv;
}

static CK_RV keygen(side_t *x, int rsa) {
  CK_OBJECT_HANDLE pub, priv;
  char label[32];
  unsigned char id = (unsigned char)(x->tmp_id++);
  if (x->tmp_id > 0x7f) x->tmp_id = 0x70;
  snprintf(label, sizeof label, "bench-tmp-%02x", id);
  CK_RV rv = genkey(x, rsa, label, id, &pub, &priv);
  if (rv != CKR_OK) return rv;
  uint64_t t0 = now_ns();
  CK_RV r1 = x->f->C_DestroyObject(x->s, priv);
  CK_RV r2 = x->f->C_DestroyObject(x->s, pub);
  untimed_ns += now_ns() - t0;
  if (r1 != CKR_OK || r2 != CKR_OK) die("%s: deleting the generated key failed: 0x%lx 0x%lx", x->name, r1, r2);
  return CKR_OK;
}

static CK_RV op_keygen_rsa(side_t *x) { return keygen(x, 1); }
static CK_RV op_keygen_ec(side_t *x) { return keygen(x, 0); }

static const struct {
  const char *name;
  op_fn fn;
} OPS[] = {
    {"ecdsa-p256", op_ecdsa},
    {"ecdsa-sha256-p256", op_ecdsa_sha256},
    {"sha256-rsa-pkcs-2048", op_rsa_pkcs},
    {"sha256-rsa-pss-2048", op_rsa_pss},
    {"decrypt-rsa-pkcs-2048", op_decrypt},
    {"ecdh-derive-p256", op_ecdh},
    {"login", op_login},
    {"keygen-ec-p256", op_keygen_ec},
    {"keygen-rsa-2048", op_keygen_rsa},
};
#define NOPS (sizeof OPS / sizeof OPS[0])

static op_fn op_named(const char *name) {
  for (size_t i = 0; i < NOPS; i++)
    if (strcmp(OPS[i].name, name) == 0) return OPS[i].fn;
  die("unknown operation %s", name);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

#define MAXN 200000
static uint64_t samples[MAXN];
/* CLOCK_MONOTONIC span of the last measurement: lines it up with `hsmkit serve --apdu-times`. */
static uint64_t window_t0, window_t1;

static uint64_t median(size_t n) {
  qsort(samples, n, sizeof samples[0], cmp_u64);
  return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

/* Runs fn for about seconds (at least once, at most MAXN times); returns the count. */
static size_t measure(side_t *x, op_fn fn, double seconds, const char *op) {
  uint64_t budget = (uint64_t)(seconds * 1e9), spent = 0;
  size_t n = 0;
  window_t0 = now_ns();
  while (n < MAXN && (n == 0 || spent < budget)) {
    untimed_ns = 0;
    uint64_t t0 = now_ns();
    CK_RV rv = fn(x);
    uint64_t dt = now_ns() - t0;
    if (rv != CKR_OK) die("%s: %s failed: 0x%lx", x->name, op, (unsigned long)rv);
    samples[n++] = dt - untimed_ns;
    spent += dt;
  }
  window_t1 = now_ns();
  return n;
}

/* --- PC/SC --------------------------------------------------------------------------------- */

typedef struct {
  SCARDHANDLE card;
  const SCARD_IO_REQUEST *pci;
} reader_t;

/* Both readers are opened in one context: pcscd serves each context on a thread of its own, and
 * at idle the scheduler keeps each thread on the CPU it last ran on (a wakee goes to its previous
 * CPU when that one is idle). With a context per reader, the floor's pcscd thread and the card's
 * could sit on different CPUs, and a hop to another CPU that has gone idle costs ~25-30 us on a
 * 2-vCPU KVM guest: the per-pair difference then swung from 2 to 17 us between runs (six runs
 * each way, 2026-12-04) where one context gave 2.8-3.3 us every time. */
static void open_reader(reader_t *r, SCARDCONTEXT ctx, const char *prefix) {
  char names[4096];
  DWORD len = sizeof names;
  if (SCardListReaders(ctx, NULL, names, &len) != SCARD_S_SUCCESS) die("SCardListReaders failed");
  for (char *p = names; *p; p += strlen(p) + 1) {
    if (strncmp(p, prefix, strlen(prefix)) == 0) {
      DWORD proto;
      LONG rv = SCardConnect(ctx, p, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                             &r->card, &proto);
      if (rv != SCARD_S_SUCCESS) die("SCardConnect(%s): 0x%lx", p, (unsigned long)rv);
      r->pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
      return;
    }
  }
  die("no reader %s", prefix);
}

/* GET CHALLENGE round trips, each inside SCardBeginTransaction/EndTransaction as OpenSC sends every
 * command (two more pcscd round trips). The plain round trip is measured by measure_apdu_pair. */
static size_t measure_apdu_in_transaction(reader_t *r, double seconds) {
  static const unsigned char get_challenge[] = {0x00, 0x84, 0x00, 0x00, 0x08};
  uint64_t budget = (uint64_t)(seconds * 1e9), spent = 0;
  size_t n = 0;
  window_t0 = now_ns();
  while (n < MAXN && (n == 0 || spent < budget)) {
    unsigned char resp[258];
    DWORD len = sizeof resp;
    uint64_t t0 = now_ns();
    if (SCardBeginTransaction(r->card) != SCARD_S_SUCCESS) die("SCardBeginTransaction failed");
    LONG rv = SCardTransmit(r->card, r->pci, get_challenge, sizeof get_challenge, NULL, resp, &len);
    if (SCardEndTransaction(r->card, SCARD_LEAVE_CARD) != SCARD_S_SUCCESS) die("SCardEndTransaction failed");
    uint64_t dt = now_ns() - t0;
    if (rv != SCARD_S_SUCCESS || len < 2 || resp[len - 2] != 0x90) die("SCardTransmit failed: 0x%lx", (unsigned long)rv);
    samples[n++] = dt;
    spent += dt;
  }
  window_t1 = now_ns();
  return n;
}

/* --- commands ------------------------------------------------------------------------------ */

static int cmd_init(const char *path, const char *label) {
  side_t x = {.name = label};
  const char *so = env_pin("P11BENCH_SO_PIN"), *pin = env_pin("P11BENCH_PIN");
  x.f = load(path);
  CK_SLOT_ID slot = find_slot(x.f, NULL, path);
  CK_UTF8CHAR lab[32];
  memset(lab, ' ', sizeof lab);
  memcpy(lab, label, strlen(label) < 32 ? strlen(label) : 32);
  CK(&x, x.f->C_InitToken(slot, (CK_UTF8CHAR_PTR)so, strlen(so), lab));
  slot = find_slot(x.f, label, path); /* SoftHSM moves the token to a new slot id */
  CK(&x, x.f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &x.s));
  CK(&x, x.f->C_Login(x.s, CKU_SO, (CK_UTF8CHAR_PTR)so, strlen(so)));
  CK(&x, x.f->C_InitPIN(x.s, (CK_UTF8CHAR_PTR)pin, strlen(pin)));
  CK(&x, x.f->C_Logout(x.s));
  x.f->C_Finalize(NULL);
  return 0;
}

static int cmd_keys(const char *path, const char *label) {
  side_t x;
  open_side(&x, path, label);
  CK_OBJECT_HANDLE pub, priv;
  if (find_key(&x, CKO_PRIVATE_KEY, "bench-rsa") == CK_INVALID_HANDLE)
    CK(&x, genkey(&x, 1, "bench-rsa", 0x01, &pub, &priv));
  if (find_key(&x, CKO_PRIVATE_KEY, "bench-ec") == CK_INVALID_HANDLE)
    CK(&x, genkey(&x, 0, "bench-ec", 0x02, &pub, &priv));
  find_keys(&x);
  x.f->C_Finalize(NULL);
  return 0;
}

static void report(const char *op, const char *side, int round, size_t n) {
  printf("R\t%s\t%s\t%d\t%zu\t%llu\t%llu\t%llu\n", op, side, round, n, (unsigned long long)median(n),
         (unsigned long long)window_t0, (unsigned long long)window_t1);
  fflush(stdout);
}

/* GET CHALLENGE to the floor and to the card in one window, one APDU to each in turn (the order
 * swapped every pair), so both see the same moment and load: measured one after the other, half a
 * second each, the drift of a noisy machine between the two windows (±25 µs per round seen) was
 * larger than the few µs the difference is about. Reports the floor's line, the card's, and the
 * median of the per-pair differences (card − floor of the same pair, apdu-over-floor): on a
 * jittery host the floor's median moves by more between samples than the two APDUs of one pair
 * differ, so the difference of the two medians swings (2.6-8.6 µs over ten 5,000-pair samples
 * seen) where the paired median holds (2.5-5.5 µs). */
static void measure_apdu_pair(reader_t *f, reader_t *c, double seconds, int round) {
  static const unsigned char get_challenge[] = {0x00, 0x84, 0x00, 0x00, 0x08};
  static uint64_t card_samples[MAXN];
  static int64_t diffs[MAXN];
  uint64_t budget = (uint64_t)(seconds * 1e9), spent = 0;
  size_t n = 0;
  window_t0 = now_ns();
  while (n < MAXN && (n == 0 || spent < budget)) {
    for (int k = 0; k < 2; k++) {
      int to_card = (n % 2) ? k == 0 : k == 1;
      reader_t *r = to_card ? c : f;
      unsigned char resp[258];
      DWORD len = sizeof resp;
      uint64_t t0 = now_ns();
      LONG rv = SCardTransmit(r->card, r->pci, get_challenge, sizeof get_challenge, NULL, resp, &len);
      uint64_t dt = now_ns() - t0;
      if (rv != SCARD_S_SUCCESS || len < 2 || resp[len - 2] != 0x90) die("SCardTransmit failed: 0x%lx", (unsigned long)rv);
      if (to_card) card_samples[n] = dt; else samples[n] = dt;
      spent += dt;
    }
    n++;
  }
  window_t1 = now_ns();
  for (size_t i = 0; i < n; i++) diffs[i] = (int64_t)card_samples[i] - (int64_t)samples[i];
  report("apdu-get-challenge", "floor", round, n);
  memcpy(samples, card_samples, n * sizeof samples[0]);
  report("apdu-get-challenge", "card", round, n);
  qsort(diffs, n, sizeof diffs[0], cmp_i64);
  int64_t d = n % 2 ? diffs[n / 2] : (diffs[n / 2 - 1] + diffs[n / 2]) / 2;
  printf("R\tapdu-over-floor\tcard\t%d\t%zu\t%lld\t%llu\t%llu\n", round, n, (long long)d,
         (unsigned long long)window_t0, (unsigned long long)window_t1);
  fflush(stdout);
}

/* P11BENCH_FIRST_ROUND: the number of the first round, when a script runs one round per call
 * (it decides which side goes first, and is printed) */
static int first_round_number(void) {
  const char *fr = getenv("P11BENCH_FIRST_ROUND");
  return fr ? atoi(fr) : 0;
}

/* One round of raw round trips: GET CHALLENGE to the floor and the card in one window, then to the
 * floor inside Begin/EndTransaction. A call of its own, so that the script can pin vpcd-null and
 * the card's server to one CPU for it and leave the PKCS#11 operations unpinned. */
static int cmd_apdu(double seconds, const char *floor_reader, const char *card_reader) {
  SCARDCONTEXT ctx;
  if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) != SCARD_S_SUCCESS)
    die("SCardEstablishContext failed");
  reader_t rf, rc;
  open_reader(&rf, ctx, floor_reader);
  open_reader(&rc, ctx, card_reader);
  int r = first_round_number();
  measure_apdu_pair(&rf, &rc, seconds, r);
  report("apdu-in-transaction", "floor", r, measure_apdu_in_transaction(&rf, seconds));
  SCardReleaseContext(ctx);
  return 0;
}

static int cmd_run(int rounds, double seconds, char *ops, const char *pa, const char *la,
                   const char *pb, const char *lb) {
  side_t a, b;
  open_side(&a, pa, la);
  open_side(&b, pb, lb);
  find_keys(&a);
  find_keys(&b);
  const char *names[NOPS];
  size_t nops = 0;
  if (strcmp(ops, "all") == 0) {
    for (size_t i = 0; i < NOPS; i++) names[nops++] = OPS[i].name;
  } else {
    for (char *t = strtok(ops, ","); t && nops < NOPS; t = strtok(NULL, ",")) names[nops++] = t;
  }
  /* one untimed warm-up of each op on both sides */
  for (size_t i = 0; i < nops; i++) {
    measure(&a, op_named(names[i]), 0, names[i]);
    measure(&b, op_named(names[i]), 0, names[i]);
  }
  int first_round = first_round_number();
  for (int r = first_round; r < first_round + rounds; r++) {
    for (size_t i = 0; i < nops; i++) {
      op_fn fn = op_named(names[i]);
      side_t *first = r % 2 ? &b : &a, *second = r % 2 ? &a : &b;
      report(names[i], first->name, r, measure(first, fn, seconds, names[i]));
      report(names[i], second->name, r, measure(second, fn, seconds, names[i]));
    }
  }
  a.f->C_Finalize(NULL);
  if (b.f != a.f) b.f->C_Finalize(NULL);
  return 0;
}

static int cmd_throughput(const char *path, const char *label, const char *op, double seconds,
                          long long start_ms) {
  side_t x;
  open_side(&x, path, label);
  find_keys(&x);
  op_fn fn = op_named(op);
  measure(&x, fn, 0, op);
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  long long wait_ms = start_ms - ((long long)t.tv_sec * 1000 + t.tv_nsec / 1000000);
  if (wait_ms < 0) die("%s: the start time passed %lld ms ago (setup too slow)", label, -wait_ms);
  usleep((useconds_t)(wait_ms * 1000));
  uint64_t t0 = now_ns();
  size_t n = measure(&x, fn, seconds, op);
  uint64_t dt = now_ns() - t0;
  printf("T\t%s\t%zu\t%llu\n", op, n, (unsigned long long)dt);
  x.f->C_Finalize(NULL);
  return 0;
}

/* One op after the setup, behind a marker on stderr: OPENSC_DEBUG=3 then shows its APDUs. */
static int cmd_count(const char *path, const char *label, const char *op) {
  side_t x;
  op_fn fn = op_named(op);
  open_side(&x, path, label);
  find_keys(&x);
  fn(&x); /* the first run may read and cache files */
  fprintf(stderr, "P11BENCH-MARK\n");
  fflush(stderr);
  CK_RV rv = fn(&x);
  fprintf(stderr, "P11BENCH-END\n");
  fflush(stderr);
  if (rv != CKR_OK) die("%s: %s failed: 0x%lx", label, op, (unsigned long)rv);
  x.f->C_Finalize(NULL);
  return 0;
}

int main(int argc, char **argv) {
  for (size_t i = 0; i < sizeof MSG; i++) MSG[i] = (unsigned char)(i * 7 + 1);
  SHA256(MSG, sizeof MSG, MSG_HASH);
  if (argc == 4 && strcmp(argv[1], "init") == 0) return cmd_init(argv[2], argv[3]);
  if (argc == 4 && strcmp(argv[1], "keys") == 0) return cmd_keys(argv[2], argv[3]);
  if (argc == 9 && strcmp(argv[1], "run") == 0)
    return cmd_run(atoi(argv[2]), atof(argv[3]), argv[4], argv[5], argv[6], argv[7], argv[8]);
  if (argc == 5 && strcmp(argv[1], "apdu") == 0) return cmd_apdu(atof(argv[2]), argv[3], argv[4]);
  if (argc == 5 && strcmp(argv[1], "count") == 0) return cmd_count(argv[2], argv[3], argv[4]);
  if (argc == 7 && strcmp(argv[1], "throughput") == 0)
    return cmd_throughput(argv[2], argv[3], argv[4], atof(argv[5]), atoll(argv[6]));
  fprintf(stderr, "usage: see the comment at the top of p11bench.c\n");
  return 2;
}
