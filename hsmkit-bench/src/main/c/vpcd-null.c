/*
 * A virtual card that does nothing, for vsmartcard's vpcd: the floor of the PC/SC path.
 *
 * It speaks the same protocol as hsmkit's VpcdClient (2-byte big-endian length, then the frame;
 * 1-byte frames are control messages, 04 = get ATR) with the same socket settings (TCP_NODELAY,
 * TCP_QUICKACK before every read), and answers every command APDU with 9000, except SELECT
 * (INS A4), which gets 6A82 so that no OpenSC card driver takes it for its card. Its ATR
 * (3B 80 80 01 01: T=1, no historical bytes) matches no driver either.
 *
 * Connects only to 127.0.0.1:PORT; retries every 100 ms until vpcd listens, reconnects when the
 * connection ends; stops on SIGTERM (default action).
 *
 * Usage: vpcd-null PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const unsigned char ATR[] = {0x3B, 0x80, 0x80, 0x01, 0x01};

/* TCP_QUICKACK before the length's read, and before a payload's read only when it comes in parts:
 * exactly what VpcdClient does, so that the floor measures the same socket protocol. */
static int read_full(int fd, unsigned char *buf, size_t n, int frame_start) {
  size_t got = 0;
  while (got < n) {
    int one = 1;
    if (frame_start || got > 0) setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) {
      if (r < 0 && errno == EINTR) continue;
      return -1;
    }
    got += (size_t)r;
  }
  return 0;
}

static int send_frame(int fd, const unsigned char *data, size_t n) {
  unsigned char buf[2 + 64];
  buf[0] = (unsigned char)(n >> 8);
  buf[1] = (unsigned char)n;
  memcpy(buf + 2, data, n);
  return write(fd, buf, n + 2) == (ssize_t)(n + 2) ? 0 : -1;
}

static void serve(int fd) {
  static unsigned char frame[65536];
  static const unsigned char ok[] = {0x90, 0x00}, not_found[] = {0x6A, 0x82};
  for (;;) {
    unsigned char len[2];
    if (read_full(fd, len, 2, 1) < 0) return;
    size_t n = ((size_t)len[0] << 8) | len[1];
    if (n == 0) continue;
    if (read_full(fd, frame, n, 0) < 0) return;
    if (n == 1) {
      if (frame[0] == 0x04 && send_frame(fd, ATR, sizeof ATR) < 0) return;
      continue;
    }
    const unsigned char *sw = (n >= 4 && frame[1] == 0xA4) ? not_found : ok;
    if (send_frame(fd, sw, 2) < 0) return;
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: vpcd-null PORT\n");
    return 2;
  }
  int port = atoi(argv[1]);
  if (port < 1 || port > 65535) {
    fprintf(stderr, "vpcd-null: bad port %s\n", argv[1]);
    return 2;
  }
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int announced = 0;
  for (;;) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      perror("vpcd-null: socket");
      return 1;
    }
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
      close(fd);
      usleep(100000);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!announced) {
      fprintf(stderr, "vpcd-null: connected to vpcd 127.0.0.1:%d\n", port);
      announced = 1;
    }
    serve(fd);
    close(fd);
    usleep(100000);
  }
}
