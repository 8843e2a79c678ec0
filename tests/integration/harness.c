// SPDX-License-Identifier: MIT
/* tests: the integration harness (see harness.h). Loopback only. */
#define _GNU_SOURCE
#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PEERS 32

static struct th_peer *live[MAX_PEERS];
static int hooks_installed;

static void
kill_all(void)
{
    for (int i = 0; i < MAX_PEERS; i++)
        if (live[i] != NULL && live[i]->pid > 0)
            kill(live[i]->pid, SIGKILL);
}

static void
on_fatal(int sig)
{
    kill_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
track(struct th_peer *p)
{
    if (!hooks_installed) {
        static const int sigs[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE,
                                   SIGILL,  SIGTERM, SIGINT};

        atexit(kill_all);
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
            signal(sigs[i], on_fatal);
        hooks_installed = 1;
    }
    for (int i = 0; i < MAX_PEERS; i++)
        if (live[i] == NULL) {
            live[i] = p;
            return;
        }
}

static void
untrack(struct th_peer *p)
{
    for (int i = 0; i < MAX_PEERS; i++)
        if (live[i] == p)
            live[i] = NULL;
}

static long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int
th_peer_mkdir(struct th_peer *p)
{
    const char *tmp = getenv("TMPDIR");

    if (p->dir[0] != 0)
        return 0;
    snprintf(p->dir, sizeof(p->dir), "%s/jt-peer-XXXXXX",
             tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(p->dir) == NULL) {
        fprintf(stderr, "harness: mkdtemp %s: %s\n", p->dir, strerror(errno));
        p->dir[0] = 0;
        return -1;
    }
    snprintf(p->log, sizeof(p->log), "%s/peer.log", p->dir);
    return 0;
}

/* dir/stdin, the FIFO of a peer with |stdin_fifo| set. */
static void
fifo_path(const struct th_peer *p, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/stdin", p->dir);
}

/* In the child: stdin from the FIFO (read-write, so it never blocks on
 * open and never sees EOF) or from /dev/null. */
static void
child_stdin(const struct th_peer *p)
{
    char fifo[300];
    int fd;

    fifo_path(p, fifo, sizeof(fifo));
    fd = p->stdin_fifo ? open(fifo, O_RDWR) : open("/dev/null", O_RDONLY);
    if (fd >= 0)
        dup2(fd, 0);
    if (fd > 0)
        close(fd);
}

static int
spawn(struct th_peer *p, const char *const *argv)
{
    pid_t parent = getpid();
    char fifo[300];
    pid_t pid;

    fifo_path(p, fifo, sizeof(fifo));
    if (p->stdin_fifo && mkfifo(fifo, 0600) != 0 && errno != EEXIST) {
        fprintf(stderr, "harness: mkfifo %s: %s\n", fifo, strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(p->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        /* Die with the test, whatever kills it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        if (fd < 0)
            _exit(127);
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
        child_stdin(p);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    p->pid = pid;
    track(p);
    return 0;
}

int
th_can_connect(int port)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int ok;

    if (fd < 0)
        return 0;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

static int
peer_alive(struct th_peer *p)
{
    int st;

    if (p->pid <= 0)
        return 0;
    if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
        untrack(p);
        p->pid = 0;
        return 0;
    }
    return 1;
}

static void
dump_log(const struct th_peer *p)
{
    char line[512];
    FILE *f = fopen(p->log, "r");

    if (f == NULL)
        return;
    while (fgets(line, sizeof(line), f) != NULL)
        fprintf(stderr, "  peer| %s", line);
    fclose(f);
}

/* Scan the log for "ACCEPT 127.0.0.1:PORT" (s_server's port report). */
static int
log_accept_port(const struct th_peer *p)
{
    char line[512];
    int port = -1;
    FILE *f = fopen(p->log, "r");

    if (f == NULL)
        return -1;
    while (port < 0 && fgets(line, sizeof(line), f) != NULL) {
        const char *c;

        if (strncmp(line, "ACCEPT ", 7) == 0 &&
            (c = strrchr(line, ':')) != NULL)
            port = (int)strtol(c + 1, NULL, 10);
    }
    fclose(f);
    return port > 0 && port < 65536 ? port : -1;
}

static int
wait_accepting(struct th_peer *p, int timeout_ms, int want_port_line)
{
    long deadline = now_ms() + timeout_ms;
    struct timespec nap = {0, 10 * 1000 * 1000};

    while (now_ms() < deadline) {
        if (!peer_alive(p))
            break;
        if (want_port_line && p->port <= 0)
            p->port = log_accept_port(p);
        if (p->port > 0 && th_can_connect(p->port))
            return 0;
        nanosleep(&nap, NULL);
    }
    fprintf(stderr, "harness: peer %d did not accept on 127.0.0.1:%d\n",
            (int)p->pid, p->port);
    dump_log(p);
    th_peer_stop(p);
    return -1;
}

int
th_peer_start(struct th_peer *p, const char *const *argv, int timeout_ms)
{
    if (th_peer_mkdir(p) != 0 || spawn(p, argv) != 0)
        return -1;
    return wait_accepting(p, timeout_ms, 0);
}

int
th_s_server_start(struct th_peer *p, const char *const *args)
{
    const char *argv[64];
    size_t n = 0;

    argv[n++] = "openssl";
    argv[n++] = "s_server";
    argv[n++] = "-accept";
    argv[n++] = "127.0.0.1:0";
    for (size_t i = 0; args != NULL && args[i] != NULL; i++) {
        if (n + 2 >= sizeof(argv) / sizeof(argv[0]))
            return -1;
        argv[n++] = args[i];
    }
    argv[n] = NULL;
    p->port = 0;
    if (th_peer_mkdir(p) != 0 || spawn(p, argv) != 0)
        return -1;
    return wait_accepting(p, 10000, 1);
}

static void
rm_dir(const char *dir)
{
    char cmd[600];

    /* Only ever our own mkdtemp directory. */
    if (dir[0] == 0 || strstr(dir, "/jt-peer-") == NULL)
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "harness: could not remove %s\n", dir);
}

void
th_peer_stop(struct th_peer *p)
{
    if (p->pid > 0) {
        long deadline = now_ms() + 2000;
        struct timespec nap = {0, 5 * 1000 * 1000};

        kill(p->pid, SIGTERM);
        while (peer_alive(p) && now_ms() < deadline)
            nanosleep(&nap, NULL);
        if (p->pid > 0) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, NULL, 0);
        }
        untrack(p);
        p->pid = 0;
    }
    if (getenv("JT_KEEP_PEER_DIRS") == NULL)
        rm_dir(p->dir);
    p->dir[0] = 0;
}

int
th_free_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = -1;

    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

int
th_peer_write(const struct th_peer *p, const void *buf, size_t len)
{
    char fifo[300];
    ssize_t n;
    int fd;

    if (!p->stdin_fifo || p->pid <= 0 || p->dir[0] == 0)
        return -1;
    fifo_path(p, fifo, sizeof(fifo));
    /* the peer holds a read end, so this open does not block */
    fd = open(fifo, O_WRONLY | O_NONBLOCK);
    if (fd < 0)
        return -1;
    n = write(fd, buf, len);
    close(fd);
    return n >= 0 && (size_t)n == len ? 0 : -1;
}

int
th_peer_log_count(const struct th_peer *p, const char *needle)
{
    char line[4096];
    int n = 0;
    FILE *f = fopen(p->log, "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (strstr(line, needle) != NULL)
            n++;
    fclose(f);
    return n;
}
