/* The floor for wl-trace's relaying cost: a minimal C relay with the same structure (one epoll loop, one recvmsg and
 * one sendmsg per readable socket, descriptors passed on) and nothing else: no decoding, no output, no buffering
 * beyond one read. The benchmark builds it with cc when it can and measures it beside wl-trace.
 * Usage: relay LISTEN_PATH UPSTREAM_PATH */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 28
#define MAX_SOCKETS 4096

static int peer[MAX_SOCKETS];

static int address(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a->sun_path)
        return -1;
    strcpy(a->sun_path, path);
    return 0;
}

/* One recvmsg from fd, one (blocking, complete) send of it to its peer. Returns 0 at end of stream. */
static int relay(int fd)
{
    char data[65536];
    char control[CMSG_SPACE(sizeof(int) * MAX_FDS)];
    struct iovec iov = { data, sizeof data };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 1 : 0;
    if (n == 0)
        return 0;
    int fds[MAX_FDS * 2], count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            memcpy(fds + count, CMSG_DATA(c), k * sizeof(int));
            count += k;
        }
    ssize_t sent = 0;
    while (sent < n) {
        struct iovec out = { data + sent, n - sent };
        char outControl[CMSG_SPACE(sizeof(int) * MAX_FDS)];
        struct msghdr m = { .msg_iov = &out, .msg_iovlen = 1 };
        if (count > 0 && sent == 0) {
            m.msg_control = outControl;
            m.msg_controllen = CMSG_SPACE(sizeof(int) * count);
            struct cmsghdr *c = CMSG_FIRSTHDR(&m);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int) * count);
            memcpy(CMSG_DATA(c), fds, sizeof(int) * count);
        }
        ssize_t s = sendmsg(peer[fd], &m, MSG_NOSIGNAL);
        if (s < 0)
            return errno == EINTR ? 1 : 0;
        sent += s;
    }
    for (int i = 0; i < count; i++)
        close(fds[i]);
    return 1;
}

int main(int argc, char **argv)
{
    struct sockaddr_un listenAddress, upstreamAddress;
    if (argc != 3 || address(&listenAddress, argv[1]) < 0 || address(&upstreamAddress, argv[2]) < 0) {
        fprintf(stderr, "usage: relay LISTEN_PATH UPSTREAM_PATH\n");
        return 64;
    }
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (bind(listener, (struct sockaddr *)&listenAddress, sizeof listenAddress) < 0 || listen(listener, 128) < 0) {
        perror("relay: listen");
        return 1;
    }
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = { .events = EPOLLIN, .data.fd = listener };
    epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &e);
    for (;;) {
        struct epoll_event events[32];
        int n = epoll_wait(epoll, events, 32, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
                int server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (client < 0 || client >= MAX_SOCKETS || server >= MAX_SOCKETS
                    || connect(server, (struct sockaddr *)&upstreamAddress, sizeof upstreamAddress) < 0) {
                    close(client);
                    close(server);
                    continue;
                }
                peer[client] = server;
                peer[server] = client;
                struct epoll_event a = { .events = EPOLLIN, .data.fd = client }, b = { .events = EPOLLIN, .data.fd = server };
                epoll_ctl(epoll, EPOLL_CTL_ADD, client, &a);
                epoll_ctl(epoll, EPOLL_CTL_ADD, server, &b);
            } else if (peer[fd] > 0 && !relay(fd)) {
                int other = peer[fd];
                peer[fd] = peer[other] = 0;
                close(fd);
                close(other);
            }
        }
    }
}
