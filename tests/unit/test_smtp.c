/* test_smtp.c: mail_smtp_send against a real SMTP server (aiosmtpd) on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mail/mime.h"
#include "mail/smtp.h"

/* The sink process shared by every test of the group. */
static struct {
    pid_t pid;     /* /usr/bin/python3 smtp_sink.py */
    int stdin_fd;  /* its stdin; closing it stops the sink */
    char dir[64];  /* where it stores messages */
    char url[64];  /* smtp://127.0.0.1:PORT */
    int delivered; /* messages it should hold so far (files are numbered 1, 2, ...) */
} sink;

static void sink_script(buf *path)
{
    const char *source = getenv("GAZETTE_SOURCE");
    if (source && source[0]) {
        buf_printf(path, "%s/tests/unit/smtp_sink.py", source);
        return;
    }
    const char *slash = strrchr(__FILE__, '/');
    if (slash)
        buf_append(path, __FILE__, (size_t)(slash - __FILE__ + 1));
    buf_puts(path, "smtp_sink.py");
}

static int sink_start(void **state)
{
    (void)state;
    mail_init();
    snprintf(sink.dir, sizeof(sink.dir), "/tmp/gazette-smtp-XXXXXX");
    if (!mkdtemp(sink.dir))
        return -1;
    buf script = {0};
    sink_script(&script);
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
        return -1;
    sink.pid = fork();
    if (sink.pid < 0)
        return -1;
    if (sink.pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]);
        close(in[1]);
        close(out[0]);
        close(out[1]);
        execl("/usr/bin/python3", "python3", buf_cstr(&script), sink.dir, (char *)NULL);
        _exit(127);
    }
    buf_free(&script);
    close(in[0]);
    close(out[1]);
    sink.stdin_fd = in[1];

    /* Read "PORT n\n"; a sink that cannot start (aiosmtpd missing) closes stdout instead. */
    char line[64] = "";
    size_t got = 0;
    while (got < sizeof(line) - 1 && !memchr(line, '\n', got)) {
        struct pollfd p = {out[0], POLLIN, 0};
        if (poll(&p, 1, 20000) <= 0)
            break;
        ssize_t n = read(out[0], line + got, sizeof(line) - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(out[0]);
    line[got] = '\0';
    int port = 0;
    if (sscanf(line, "PORT %d", &port) != 1 || port <= 0) {
        fprintf(stderr, "smtp_sink.py did not start (is python3-aiosmtpd installed?)\n");
        return -1;
    }
    snprintf(sink.url, sizeof(sink.url), "smtp://127.0.0.1:%d", port);
    return 0;
}

static int sink_stop(void **state)
{
    (void)state;
    if (sink.pid > 0) {
        close(sink.stdin_fd);
        kill(sink.pid, SIGTERM);
        waitpid(sink.pid, NULL, 0);
    }
    DIR *d = opendir(sink.dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            buf path = {0};
            buf_printf(&path, "%s/%s", sink.dir, e->d_name);
            unlink(path.ptr);
            buf_free(&path);
        }
        closedir(d);
        rmdir(sink.dir);
    }
    return 0;
}

/* Reads file `number`.`ext` of the sink into `out`; false when it does not exist. */
static bool sink_file(int number, const char *ext, buf *out)
{
    buf path = {0};
    buf_printf(&path, "%s/%d.%s", sink.dir, number, ext);
    FILE *f = fopen(path.ptr, "rb");
    buf_free(&path);
    if (!f)
        return false;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(out, chunk, n);
    fclose(f);
    buf_cstr(out);
    return true;
}

static int sink_message_count(void)
{
    int count = 0;
    DIR *d = opendir(sink.dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        count += strstr(e->d_name, ".eml") != NULL;
    closedir(d);
    return count;
}

static void build_message(const char *to, const char *text, buf *out)
{
    arena a = {0};
    struct mail_message m = {
        .from_name = "Газета",
        .from_address = "site@example.org",
        .to = to,
        .subject = "Статья: “Print Friendly, PDF & Email” 🎉",
        .text_body = text,
        .html_body = "<p>.</p>\n.\n..\nFrom here\n<p>a = b</p>\n",
        .date = 1700000000,
        .message_id = mail_message_id(&a, "example.org"),
    };
    mail_build(&m, out);
    arena_free(&a);
}

static enum smtp_outcome send_to(const char *url, const char *to, const char *user,
                                 const char *password, const buf *message, buf *error)
{
    struct smtp_config c = {url, user, password, 10};
    return mail_smtp_send(&c, "site@example.org", to, message->ptr, message->len, error);
}

/* Checks that the sink's newest message is `message`, from site@ to `to`, byte for byte. */
static void expect_delivered(const char *to, const buf *message)
{
    sink.delivered++;
    buf content = {0}, from = {0}, rcpt = {0}, want_rcpt = {0};
    assert_true(sink_file(sink.delivered, "eml", &content));
    assert_true(sink_file(sink.delivered, "from", &from));
    assert_true(sink_file(sink.delivered, "rcpt", &rcpt));
    assert_string_equal(from.ptr, "site@example.org");
    buf_printf(&want_rcpt, "%s\n", to);
    assert_string_equal(rcpt.ptr, want_rcpt.ptr);
    assert_int_equal(content.len, message->len);
    assert_memory_equal(content.ptr, message->ptr, message->len);
    buf_free(&content);
    buf_free(&from);
    buf_free(&rcpt);
    buf_free(&want_rcpt);
}

static void test_delivered_byte_for_byte(void **state)
{
    (void)state;
    buf message = {0}, error = {0};
    build_message("reader@example.com",
                  ".\n..leading dots\nFrom the start\n.\nend.\n\nlast line without newline",
                  &message);
    assert_int_equal(send_to(sink.url, "reader@example.com", NULL, NULL, &message, &error),
                     SMTP_SENT);
    expect_delivered("reader@example.com", &message);
    buf_free(&message);
    buf_free(&error);
}

/* A message whose raw lines start with '.', handed over as is: curl must dot-stuff it. */
static void test_dot_stuffing(void **state)
{
    (void)state;
    buf message = {0}, error = {0};
    buf_puts(&message, "Subject: dots\r\n\r\n.\r\n..\r\n.x\r\nend\r\n");
    assert_int_equal(send_to(sink.url, "reader@example.com", NULL, NULL, &message, &error),
                     SMTP_SENT);
    expect_delivered("reader@example.com", &message);
    buf_free(&message);
    buf_free(&error);
}

static void test_large_message(void **state)
{
    (void)state;
    buf text = {0}, message = {0}, error = {0};
    for (int i = 0; i < 20000; i++)
        buf_printf(&text, "Line %d: Кириллица, العربية, 😀 = long enough to wrap a little.\n", i);
    build_message("big@example.com", text.ptr, &message);
    assert_true(message.len > 1000000);
    assert_int_equal(send_to(sink.url, "big@example.com", NULL, NULL, &message, &error), SMTP_SENT);
    expect_delivered("big@example.com", &message);
    buf_free(&text);
    buf_free(&message);
    buf_free(&error);
}

static void test_auth(void **state)
{
    (void)state;
    buf message = {0}, error = {0};
    build_message("reader@example.com", "with a login\n", &message);
    assert_int_equal(send_to(sink.url, "reader@example.com", "user", "secret", &message, &error),
                     SMTP_SENT);
    expect_delivered("reader@example.com", &message);
    assert_int_equal(send_to(sink.url, "reader@example.com", "user", "wrong", &message, &error),
                     SMTP_PERMANENT);
    assert_true(error.len > 0);
    assert_int_equal(sink_message_count(), sink.delivered);
    buf_free(&message);
    buf_free(&error);
}

static void test_rejected_recipient_is_permanent(void **state)
{
    (void)state;
    buf message = {0}, error = {0};
    build_message("reject@example.com", "hello\n", &message);
    assert_int_equal(send_to(sink.url, "reject@example.com", NULL, NULL, &message, &error),
                     SMTP_PERMANENT);
    assert_non_null(strstr(buf_cstr(&error), "550 no such user"));
    assert_int_equal(sink_message_count(), sink.delivered);
    buf_free(&message);
    buf_free(&error);
}

static void test_try_later_is_temporary(void **state)
{
    (void)state;
    buf message = {0}, error = {0};
    build_message("later@example.com", "hello\n", &message);
    assert_int_equal(send_to(sink.url, "later@example.com", NULL, NULL, &message, &error),
                     SMTP_TEMPORARY);
    assert_non_null(strstr(buf_cstr(&error), "451 try later"));
    assert_int_equal(sink_message_count(), sink.delivered);
    buf_free(&message);
    buf_free(&error);
}

static void test_rejected_data_is_permanent(void **state)
{
    (void)state;
    buf message = {0}, error = {0};
    build_message("baddata@example.com", "hello\n", &message);
    assert_int_equal(send_to(sink.url, "baddata@example.com", NULL, NULL, &message, &error),
                     SMTP_PERMANENT);
    assert_non_null(strstr(buf_cstr(&error), "554"));
    buf_free(&message);
    buf_free(&error);
}

/* A port nobody listens on: bound once to learn a free number, then closed. */
static void test_nothing_listening_is_temporary(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    socklen_t addr_len = sizeof(addr);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &addr_len), 0);
    close(fd);
    char url[64];
    snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", ntohs(addr.sin_port));

    buf message = {0}, error = {0};
    build_message("reader@example.com", "hello\n", &message);
    assert_int_equal(send_to(url, "reader@example.com", NULL, NULL, &message, &error),
                     SMTP_TEMPORARY);
    assert_true(error.len > 0);
    assert_int_equal(send_to("smtp://nonexistent.invalid:25", "reader@example.com", NULL, NULL,
                             &message, &error),
                     SMTP_TEMPORARY);
    buf_free(&message);
    buf_free(&error);
}

static void test_refused_before_connecting(void **state)
{
    (void)state;
    buf message = {0}, error = {0};
    build_message("reader@example.com", "hello\n", &message);
    static const char *const bad_urls[] = {"http://127.0.0.1:1/", "file:///tmp/x", "", "smtp://"};
    for (size_t i = 0; i < sizeof(bad_urls) / sizeof(*bad_urls); i++) {
        buf_reset(&error);
        if (send_to(bad_urls[i], "reader@example.com", NULL, NULL, &message, &error) !=
            SMTP_PERMANENT)
            fail_msg("%s should be permanent (%s)", bad_urls[i], buf_cstr(&error));
        assert_true(error.len > 0);
    }
    assert_int_equal(send_to(sink.url, "reader@example.com\r\nRCPT TO:<x@example.com>", NULL, NULL,
                             &message, &error),
                     SMTP_PERMANENT);
    struct smtp_config c = {sink.url, NULL, NULL, 10};
    assert_int_equal(
        mail_smtp_send(&c, "a@b.c\r\nDATA", "reader@example.com", message.ptr, message.len, NULL),
        SMTP_PERMANENT);
    assert_int_equal(sink_message_count(), sink.delivered);
    buf_free(&message);
    buf_free(&error);
}

#define THREADS 4
#define PER_THREAD 5

static void *send_several(void *arg)
{
    const buf *message = arg;
    intptr_t failures = 0;
    for (int i = 0; i < PER_THREAD; i++) {
        buf error = {0};
        failures +=
            send_to(sink.url, "reader@example.com", NULL, NULL, message, &error) != SMTP_SENT;
        buf_free(&error);
    }
    return (void *)failures;
}

static void test_threads(void **state)
{
    (void)state;
    buf message = {0};
    build_message("reader@example.com", "from a thread\n", &message);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, send_several, &message), 0);
    for (int i = 0; i < THREADS; i++) {
        void *failures;
        pthread_join(threads[i], &failures);
        assert_int_equal((intptr_t)failures, 0);
    }
    sink.delivered += THREADS * PER_THREAD;
    assert_int_equal(sink_message_count(), sink.delivered);
    buf content = {0};
    assert_true(sink_file(sink.delivered, "eml", &content));
    assert_int_equal(content.len, message.len);
    assert_memory_equal(content.ptr, message.ptr, message.len);
    buf_free(&content);
    buf_free(&message);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delivered_byte_for_byte),
        cmocka_unit_test(test_dot_stuffing),
        cmocka_unit_test(test_large_message),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_rejected_recipient_is_permanent),
        cmocka_unit_test(test_try_later_is_temporary),
        cmocka_unit_test(test_rejected_data_is_permanent),
        cmocka_unit_test(test_nothing_listening_is_temporary),
        cmocka_unit_test(test_refused_before_connecting),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, sink_start, sink_stop);
}
