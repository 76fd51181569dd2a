#ifndef SWTOP_CSPAWN_H
#define SWTOP_CSPAWN_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* In a child between fork and exec: no signal blocked or caught (async-signal-safe). */
static inline void swtop_child_reset_signals(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
    }
}

/* In a child between fork and exec: every descriptor above stderr closed (async-signal-safe). */
static inline void swtop_child_close_others(void) {
#ifdef SYS_close_range
    syscall(SYS_close_range, 3U, ~0U, 0U);
#else
    for (int fd = 3; fd < 1024; fd++) close(fd);
#endif
}

/* In a child between fork and exec: enters `dir` (NULL: stays where it is), or writes a line on `fd` and
   ends with 126. */
static inline void swtop_child_enter(const char *dir, int fd) {
    if (dir != NULL && chdir(dir) != 0) {
        static const char msg[] = "swtop: cannot enter the working directory\n";
        (void)!write(fd, msg, sizeof msg - 1);
        _exit(126);
    }
}

/*
 * In the child between fork and exec (async-signal-safe calls only): a session of its own (no
 * controlling terminal), no signal blocked or caught, stdin/stdout/stderr on the given descriptors,
 * no other descriptor inherited, then `path`. Never returns.
 */
static inline void swtop_child_exec(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd) {
    setsid();
    swtop_child_reset_signals();
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) _exit(126);
    swtop_child_close_others();
    execv(path, argv);
    _exit(127);
}

/*
 * Starts `path` with `argv` as a child that dies with the calling thread (PR_SET_PDEATHSIG): a helper
 * process (ssh) must never outlive swtop, whether swtop quits, crashes or is killed with SIGKILL.
 * The caller keeps that thread alive for the child's whole life (it waits for the child in it).
 * The child gets its own session (no controlling terminal: ssh cannot prompt, the terminal's
 * signals do not reach it), stdin and stdout on /dev/null, stderr on `stderr_fd`, and no other
 * inherited descriptor. Only async-signal-safe calls run between fork and exec.
 * Returns the child's pid, or -1 with errno set.
 */
static inline pid_t swtop_spawn_tied(const char *path, char *const argv[], int stderr_fd, int death_signal) {
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(null_fd);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        if (prctl(PR_SET_PDEATHSIG, death_signal) != 0) _exit(126);
        /* The parent may have died between fork and prctl: then nobody would ever send the signal. */
        if (getppid() != parent) _exit(126);
        swtop_child_exec(path, argv, null_fd, null_fd, stderr_fd);
    }
    close(null_fd);
    return pid;
}

/* A pipe whose ends close on exec (pipe2 needs _GNU_SOURCE, which would give this module another view of
   glibc's headers than Swift's Glibc module has). A child of ours closes every other descriptor anyway. */
static inline int swtop_pipe_cloexec(int fds[2]) {
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
}

/*
 * Starts `path` with `argv`, its stdin, stdout and stderr on the given descriptors (a helper that reads
 * a request and writes an answer: docker-credential-*), in its own session, no other descriptor
 * inherited. Returns the child's pid, or -1 with errno set.
 */
static inline pid_t swtop_spawn_io(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        swtop_child_exec(path, argv, in_fd, out_fd, err_fd);
    }
    return pid;
}

/* waitpid(pid, &status, 0), retried on EINTR: the exit status as the shell shows it (128+signal when
   killed), or -1. */
static inline int swtop_wait_child(pid_t pid) {
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, 0);
        if (r == pid) break;
        if (r < 0 && errno == EINTR) continue;
        return -1;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}


/*
 * A local command of the user's (Compose, a custom command) whose output swtop reads: its own session
 * (so the whole group can be signalled, and no terminal), stdin /dev/null, stdout and stderr on
 * `out_fd`, environment `envp`, working directory `dir` (NULL: swtop's). A directory that cannot be
 * entered ends the child with 126 after a line on `out_fd`. Returns the child's pid, or -1 with errno set.
 */
static inline pid_t swtop_spawn_output(const char *path, char *const argv[], char *const envp[], const char *dir, int out_fd) {
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(null_fd);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        setsid();
        swtop_child_reset_signals();
        if (dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0) _exit(126);
        swtop_child_enter(dir, 1);
        swtop_child_close_others();
        execve(path, argv, envp);
        _exit(127);
    }
    close(null_fd);
    return pid;
}

/*
 * A local command given the terminal (a custom command's, an attached `up`): a process group of its own
 * made the terminal's foreground group (so Ctrl-C reaches it, not swtop), the terminal's descriptors as
 * they are, environment `envp`, directory `dir` (NULL: swtop's). The caller waits for it with
 * swtop_wait_foreground, which takes the terminal back. Returns the pid, or -1 with errno set.
 */
static inline pid_t swtop_spawn_foreground(const char *path, char *const argv[], char *const envp[], const char *dir, int tty_fd) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGTTOU, SIG_IGN);
        if (tty_fd >= 0) tcsetpgrp(tty_fd, getpid());
        swtop_child_reset_signals();
        swtop_child_enter(dir, 2);
        swtop_child_close_others();
        execve(path, argv, envp);
        _exit(127);
    }
    /* Both sides set the group: whichever runs first, the terminal never sees a half-made one. */
    setpgid(pid, pid);
    if (tty_fd >= 0) {
        void (*old)(int) = signal(SIGTTOU, SIG_IGN);
        tcsetpgrp(tty_fd, pid);
        signal(SIGTTOU, old);
    }
    return pid;
}

/* Waits for a foreground child (a stopped one is sent on: Ctrl-Z has no shell to return to here), then
   gives the terminal back to swtop's group. The exit status as the shell shows it, or -1. */
static inline int swtop_wait_foreground(pid_t pid, int tty_fd) {
    int status = 0, code = -1;
    for (;;) {
        pid_t r = waitpid(pid, &status, WUNTRACED);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) break;
        if (WIFSTOPPED(status)) { kill(-pid, SIGCONT); continue; }
        if (WIFEXITED(status)) { code = WEXITSTATUS(status); break; }
        if (WIFSIGNALED(status)) { code = 128 + WTERMSIG(status); break; }
    }
    if (tty_fd >= 0) {
        void (*old)(int) = signal(SIGTTOU, SIG_IGN);
        tcsetpgrp(tty_fd, getpgrp());
        signal(SIGTTOU, old);
    }
    return code;
}

#endif
