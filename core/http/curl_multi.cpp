// libcurl multi on libuv; see curl_multi.hpp.
#include "core/http/curl_multi.hpp"

#include "core/base/files.hpp"
#include "core/base/log.hpp"
#include "core/base/loop.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <new>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace ov2ha::http {
namespace {

// Responses kept in memory (S3's XML) are small; anything larger is a mistake.
constexpr std::uint64_t k_max_memory_body = 64ull * 1024 * 1024;

struct EasyCleanup {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistFree {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// A file descriptor closed when its owner goes.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }

    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }
    // Closes the descriptor; returns close()'s result (0 when there was none).
    int reset() {
        const int rc = m_fd >= 0 ? ::close(m_fd) : 0;
        m_fd = -1;
        return rc;
    }

  private:
    int m_fd = -1;
};

bool ascii_iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

std::string_view trim(std::string_view text) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

bool is_success(long status) {
    return status >= 200 && status < 300;
}

// The last HTTP status curl received for `easy`; 0 when none arrived.
long response_code(CURL* easy) {
    long status = 0;
    return curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK ? status : 0;
}

// Logs a curl multi call that failed; such failures mean a bug, not a network problem.
void log_multi_failure(const char* call, CURLMcode code) {
    if (code != CURLM_OK) {
        log::error(std::string("HTTP client: ") + call + " failed: " + curl_multi_strerror(code));
    }
}

Failure failure_of(CURLcode code) {
    switch (code) {
    case CURLE_OK:
        return Failure::none;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return Failure::connect;
    case CURLE_OPERATION_TIMEDOUT:
        return Failure::timeout;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return Failure::network;
    default:
        return Failure::other;
    }
}

// Sets options one after another and remembers the first that curl refused.
class EasyOptions {
  public:
    explicit EasyOptions(CURL* easy) : m_easy(easy) {}

    template <class Value> void set(CURLoption option, Value value, const char* name) {
        if (m_code != CURLE_OK) {
            return;
        }
        m_code = curl_easy_setopt(m_easy, option, value);
        if (m_code != CURLE_OK) {
            m_failed = name;
        }
    }

    Status status() const {
        if (m_code == CURLE_OK) {
            return success();
        }
        return failure(std::string("curl refused ") + m_failed + ": " + curl_error_text(m_code));
    }

  private:
    CURL* m_easy;
    CURLcode m_code = CURLE_OK;
    const char* m_failed = "";
};

Status initialise_curl() {
    static std::once_flag once;
    static CURLcode code = CURLE_OK;
    std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (code != CURLE_OK) {
        return failure("cannot initialise libcurl: " + curl_error_text(code));
    }
    return success();
}

} // namespace

std::string curl_error_text(CURLcode code) {
    return curl_easy_strerror(code);
}

std::string HttpResponse::header(std::string_view name) const {
    for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
        if (ascii_iequals(it->first, name)) {
            return it->second;
        }
    }
    return "";
}

// One transfer: its curl handle and everything curl's callbacks read or fill in.
struct CurlMulti::Transfer {
    TransferId id = 0;
    std::unique_ptr<curl_slist, SlistFree> header_list;
    std::unique_ptr<CURL, EasyCleanup> easy; // declared last of the two: cleaned up first

    std::shared_ptr<const std::string> body;
    UniqueFd body_fd;
    std::string body_path;
    std::uint64_t body_offset = 0;
    std::uint64_t body_length = 0;
    std::uint64_t body_position = 0;

    std::string response_file;
    std::string temporary_file; // removed unless renamed over response_file
    UniqueFd response_fd;
    bool response_started = false;

    HttpResponse response;
    std::string local_error;
    char error_buffer[CURL_ERROR_SIZE] = {};
    std::function<void(HttpResponse)> done;

    ~Transfer() {
        if (!temporary_file.empty()) {
            ::unlink(temporary_file.c_str());
        }
    }

    // curl's read callback: the next piece of the body from memory or from the file.
    static size_t read_body(char* buffer, size_t size, size_t count, void* user) {
        auto* transfer = static_cast<Transfer*>(user);
        const std::uint64_t left = transfer->body_length - transfer->body_position;
        const size_t wanted = static_cast<size_t>(std::min<std::uint64_t>(size * count, left));
        if (wanted == 0) {
            return 0;
        }
        if (transfer->body) {
            std::memcpy(buffer, transfer->body->data() + transfer->body_position, wanted);
            transfer->body_position += wanted;
            return wanted;
        }
        ssize_t got = -1;
        do {
            got = ::pread(transfer->body_fd.get(), buffer, wanted,
                          static_cast<off_t>(transfer->body_offset + transfer->body_position));
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            transfer->local_error = errno_text("read", transfer->body_path);
            return CURL_READFUNC_ABORT;
        }
        if (got == 0) {
            transfer->local_error =
                transfer->body_path + " ended at byte " +
                std::to_string(transfer->body_offset + transfer->body_position) + ", before the " +
                std::to_string(transfer->body_length) + " bytes to send";
            return CURL_READFUNC_ABORT;
        }
        transfer->body_position += static_cast<std::uint64_t>(got);
        return static_cast<size_t>(got);
    }

    // curl's seek callback, used when a body must be sent again on a new connection.
    static int seek_body(void* user, curl_off_t offset, int origin) {
        auto* transfer = static_cast<Transfer*>(user);
        if (origin != SEEK_SET || offset < 0 ||
            static_cast<std::uint64_t>(offset) > transfer->body_length) {
            return CURL_SEEKFUNC_FAIL;
        }
        transfer->body_position = static_cast<std::uint64_t>(offset);
        return CURL_SEEKFUNC_OK;
    }

    // Opens the temporary file a 2xx body is written to.
    bool open_response_file() {
        const std::filesystem::path target(response_file);
        // mkostemp replaces the six trailing X's with a unique suffix.
        std::string pattern = (target.parent_path() /
                               ("." + target.filename().string() + ".part-" + std::string(6, 'X')))
                                  .string();
        const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
        if (fd < 0) {
            local_error = errno_text("create a temporary file for", response_file);
            return false;
        }
        temporary_file = pattern;
        response_fd = UniqueFd(fd);
        if (::fchmod(fd, 0644) != 0) {
            local_error = errno_text("set permissions of", temporary_file);
            return false;
        }
        return true;
    }

    // curl's write callback: a 2xx body to the file when one was asked for, else memory.
    static size_t write_body(char* data, size_t size, size_t count, void* user) {
        auto* transfer = static_cast<Transfer*>(user);
        const size_t bytes = size * count;
        if (!transfer->response_started) {
            transfer->response_started = true;
            if (!transfer->response_file.empty() &&
                is_success(response_code(transfer->easy.get())) &&
                !transfer->open_response_file()) {
                return CURL_WRITEFUNC_ERROR;
            }
        }
        if (transfer->response_fd) {
            size_t written = 0;
            while (written < bytes) {
                const ssize_t n =
                    ::write(transfer->response_fd.get(), data + written, bytes - written);
                if (n < 0 && errno == EINTR) {
                    continue;
                }
                if (n < 0) {
                    transfer->local_error = errno_text("write", transfer->temporary_file);
                    return CURL_WRITEFUNC_ERROR;
                }
                written += static_cast<size_t>(n);
            }
        } else {
            if (transfer->response.body.size() + bytes > k_max_memory_body) {
                transfer->local_error = "the response body is larger than " +
                                        std::to_string(k_max_memory_body) + " bytes";
                return CURL_WRITEFUNC_ERROR;
            }
            try {
                transfer->response.body.append(data, bytes);
            } catch (const std::bad_alloc&) {
                transfer->local_error = "out of memory for the response body";
                return CURL_WRITEFUNC_ERROR;
            }
        }
        transfer->response.body_bytes += bytes;
        return bytes;
    }

    // curl's header callback: one header line; a status line starts a new response.
    static size_t read_header(char* data, size_t size, size_t count, void* user) {
        auto* transfer = static_cast<Transfer*>(user);
        const size_t bytes = size * count;
        const std::string_view line = trim(std::string_view(data, bytes));
        try {
            if (line.substr(0, 5) == "HTTP/") {
                transfer->response.headers.clear();
            } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
                transfer->response.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                                        std::string(trim(line.substr(colon + 1))));
            }
        } catch (const std::bad_alloc&) {
            transfer->local_error = "out of memory for the response headers";
            return 0;
        }
        return bytes;
    }

    // Moves a finished 2xx body into place; false with local_error set when that fails.
    bool place_response_file() {
        if (!response_fd && !open_response_file()) {
            return false;
        }
        if (response_fd.reset() != 0) {
            local_error = errno_text("close", temporary_file);
            return false;
        }
        if (::rename(temporary_file.c_str(), response_file.c_str()) != 0) {
            local_error = errno_text("rename " + temporary_file + " to", response_file);
            return false;
        }
        temporary_file.clear();
        response.body_in_file = true;
        return true;
    }
};

// One socket curl asked us to watch, with the poll handle watching it.
struct CurlMulti::Socket {
    uv_poll_t poll{};
    curl_socket_t fd = CURL_SOCKET_BAD;
    CurlMulti* owner = nullptr;
};

Result<std::unique_ptr<CurlMulti>> CurlMulti::create(uv_loop_t* loop, long max_host_connections) {
    if (auto initialised = initialise_curl(); !initialised) {
        return initialised.error();
    }
    std::unique_ptr<CURLM, MultiCleanup> multi(curl_multi_init());
    if (!multi) {
        return failure("cannot create a curl multi handle");
    }
    std::unique_ptr<CurlMulti> client(new CurlMulti(loop, std::move(multi)));
    CURLM* handle = client->m_multi.get();
    CURLMcode code = curl_multi_setopt(handle, CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
    if (code == CURLM_OK) {
        code = curl_multi_setopt(handle, CURLMOPT_SOCKETDATA, client.get());
    }
    if (code == CURLM_OK) {
        code = curl_multi_setopt(handle, CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer_change);
    }
    if (code == CURLM_OK) {
        code = curl_multi_setopt(handle, CURLMOPT_TIMERDATA, client.get());
    }
    if (code == CURLM_OK) {
        code = curl_multi_setopt(handle, CURLMOPT_MAX_HOST_CONNECTIONS, max_host_connections);
    }
    if (code != CURLM_OK) {
        return failure(std::string("cannot configure the curl multi handle: ") +
                       curl_multi_strerror(code));
    }
    return client;
}

CurlMulti::CurlMulti(uv_loop_t* loop, std::unique_ptr<CURLM, MultiCleanup> multi)
    : m_loop(loop), m_multi(std::move(multi)), m_timer(loop) {
    m_timer.get()->data = this;
}

CurlMulti::~CurlMulti() {
    close();
    *m_alive = false;
}

Result<TransferId> CurlMulti::start(HttpRequest request, std::function<void(HttpResponse)> done) {
    if (m_closed) {
        return failure("the HTTP client is closed");
    }
    const std::string& method = request.method;
    const bool sends_body = method == "PUT" || method == "POST";
    if (!sends_body && method != "GET" && method != "HEAD" && method != "DELETE") {
        return failure("unsupported HTTP method \"" + method + "\"");
    }
    if (!sends_body && (request.body || request.body_file)) {
        return failure("a " + method + " request carries no body");
    }
    if (request.body && request.body_file) {
        return failure("a request body comes from memory or from a file, not both");
    }
    auto transfer = std::make_unique<Transfer>();
    transfer->id = m_next_id++;
    transfer->done = std::move(done);
    transfer->response_file = std::move(request.response_file);
    if (request.body_file) {
        const FileSlice& slice = *request.body_file;
        transfer->body_path = slice.path;
        transfer->body_fd = UniqueFd(::open(slice.path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!transfer->body_fd) {
            return failure(errno_text("open", slice.path));
        }
        transfer->body_offset = slice.offset;
        transfer->body_length = slice.length;
    } else if (request.body) {
        transfer->body = std::move(request.body);
        transfer->body_length = transfer->body->size();
    }

    bool has_content_type = false;
    // curl_slist_append returns the list's head (new on the first call), or null and
    // leaves the list as it was.
    auto append = [&](const std::string& line) {
        curl_slist* head = curl_slist_append(transfer->header_list.get(), line.c_str());
        if (!head) {
            return false;
        }
        transfer->header_list.release();
        transfer->header_list.reset(head);
        return true;
    };
    for (const auto& [name, value] : request.headers) {
        if ((name + value).find_first_of("\r\n") != std::string::npos) {
            return failure("header " + name + " holds a line break");
        }
        has_content_type = has_content_type || ascii_iequals(name, "Content-Type");
        if (!append(value.empty() ? name + ";" : name + ": " + value)) {
            return failure("out of memory for the request headers");
        }
    }
    if (!append("Expect:") || (method == "POST" && !has_content_type && !append("Content-Type:"))) {
        return failure("out of memory for the request headers");
    }

    transfer->easy.reset(curl_easy_init());
    if (!transfer->easy) {
        return failure("cannot create a curl easy handle");
    }
    CURL* easy = transfer->easy.get();
    Transfer* raw = transfer.get();
    EasyOptions options(easy);
    options.set(CURLOPT_URL, request.url.c_str(), "CURLOPT_URL");
    options.set(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR");
    options.set(CURLOPT_PRIVATE, static_cast<void*>(raw), "CURLOPT_PRIVATE");
    options.set(CURLOPT_ERRORBUFFER, raw->error_buffer, "CURLOPT_ERRORBUFFER");
    options.set(CURLOPT_NOSIGNAL, 1L, "CURLOPT_NOSIGNAL");
    options.set(CURLOPT_PATH_AS_IS, 1L, "CURLOPT_PATH_AS_IS");
    options.set(CURLOPT_TCP_KEEPALIVE, 1L, "CURLOPT_TCP_KEEPALIVE");
    options.set(CURLOPT_USERAGENT, "ov2ha/" OV2HA_VERSION, "CURLOPT_USERAGENT");
    options.set(CURLOPT_HTTPHEADER, transfer->header_list.get(), "CURLOPT_HTTPHEADER");
    options.set(CURLOPT_HEADERFUNCTION, &Transfer::read_header, "CURLOPT_HEADERFUNCTION");
    options.set(CURLOPT_HEADERDATA, static_cast<void*>(raw), "CURLOPT_HEADERDATA");
    options.set(CURLOPT_WRITEFUNCTION, &Transfer::write_body, "CURLOPT_WRITEFUNCTION");
    options.set(CURLOPT_WRITEDATA, static_cast<void*>(raw), "CURLOPT_WRITEDATA");
    options.set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeouts.connect.count()),
                "CURLOPT_CONNECTTIMEOUT_MS");
    options.set(CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeouts.total.count()),
                "CURLOPT_TIMEOUT_MS");
    options.set(CURLOPT_LOW_SPEED_LIMIT, request.timeouts.low_speed_bytes,
                "CURLOPT_LOW_SPEED_LIMIT");
    options.set(CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.timeouts.low_speed_time.count()),
                "CURLOPT_LOW_SPEED_TIME");
    const auto body_size = static_cast<curl_off_t>(transfer->body_length);
    if (method == "HEAD") {
        options.set(CURLOPT_NOBODY, 1L, "CURLOPT_NOBODY");
    } else if (method == "PUT") {
        options.set(CURLOPT_UPLOAD, 1L, "CURLOPT_UPLOAD");
        options.set(CURLOPT_INFILESIZE_LARGE, body_size, "CURLOPT_INFILESIZE_LARGE");
    } else if (method == "POST") {
        options.set(CURLOPT_POST, 1L, "CURLOPT_POST");
        options.set(CURLOPT_POSTFIELDSIZE_LARGE, body_size, "CURLOPT_POSTFIELDSIZE_LARGE");
    } else if (method == "DELETE") {
        options.set(CURLOPT_CUSTOMREQUEST, "DELETE", "CURLOPT_CUSTOMREQUEST");
    }
    if (sends_body) {
        options.set(CURLOPT_READFUNCTION, &Transfer::read_body, "CURLOPT_READFUNCTION");
        options.set(CURLOPT_READDATA, static_cast<void*>(raw), "CURLOPT_READDATA");
        options.set(CURLOPT_SEEKFUNCTION, &Transfer::seek_body, "CURLOPT_SEEKFUNCTION");
        options.set(CURLOPT_SEEKDATA, static_cast<void*>(raw), "CURLOPT_SEEKDATA");
    }
    if (auto set = options.status(); !set) {
        return set.error();
    }
    const CURLMcode added = curl_multi_add_handle(m_multi.get(), easy);
    if (added != CURLM_OK) {
        return failure(std::string("curl cannot start the transfer: ") +
                       curl_multi_strerror(added));
    }
    const TransferId id = transfer->id;
    m_transfers.emplace(id, std::move(transfer));
    return id;
}

std::unique_ptr<CurlMulti::Transfer> CurlMulti::take(TransferId id) {
    const auto found = m_transfers.find(id);
    if (found == m_transfers.end()) {
        return nullptr;
    }
    auto transfer = std::move(found->second);
    m_transfers.erase(found);
    log_multi_failure("curl_multi_remove_handle",
                      curl_multi_remove_handle(m_multi.get(), transfer->easy.get()));
    return transfer;
}

CurlMulti::Completion CurlMulti::finish(std::unique_ptr<Transfer> transfer, CURLcode code) {
    HttpResponse& response = transfer->response;
    response.status = response_code(transfer->easy.get());
    if (code == CURLE_OK && is_success(response.status) && !transfer->response_file.empty() &&
        !transfer->place_response_file()) {
        code = CURLE_WRITE_ERROR;
    }
    if (!transfer->local_error.empty()) {
        response.failure = Failure::local;
        response.error = transfer->local_error;
    } else if (code != CURLE_OK) {
        response.failure = failure_of(code);
        response.error = curl_error_text(code);
        const std::string detail = transfer->error_buffer;
        if (!detail.empty() && detail != response.error) {
            response.error += ": " + detail;
        }
    }
    return Completion{std::move(transfer->done), std::move(response)};
}

CurlMulti::Completion CurlMulti::cancelled(std::unique_ptr<Transfer> transfer) {
    HttpResponse& response = transfer->response;
    response.failure = Failure::cancelled;
    response.error = "the transfer was cancelled";
    return Completion{std::move(transfer->done), std::move(response)};
}

void CurlMulti::cancel(TransferId id) {
    auto transfer = take(id);
    if (!transfer) {
        return;
    }
    Completion completion = cancelled(std::move(transfer));
    completion.done(std::move(completion.response));
}

void CurlMulti::close() {
    if (m_closed) {
        return;
    }
    m_closed = true;
    std::vector<Completion> completions;
    while (!m_transfers.empty()) {
        completions.push_back(cancelled(take(m_transfers.begin()->first)));
    }
    // Stop watching every socket before curl closes it, and tell curl to forget our
    // context, so the cleanup below cannot hand a released socket back to us.
    while (!m_sockets.empty()) {
        Socket* socket = *m_sockets.begin();
        log_multi_failure("curl_multi_assign",
                          curl_multi_assign(m_multi.get(), socket->fd, nullptr));
        release_socket(socket);
    }
    m_multi.reset();
    m_timer.close();
    for (Completion& completion : completions) {
        completion.done(std::move(completion.response));
    }
}

void CurlMulti::release_socket(Socket* socket) {
    m_sockets.erase(socket);
    uv_poll_stop(&socket->poll);
    uv_close(reinterpret_cast<uv_handle_t*>(&socket->poll),
             [](uv_handle_t* handle) { delete static_cast<Socket*>(handle->data); });
}

int CurlMulti::on_socket(CURL*, curl_socket_t fd, int what, void* user, void* socket_pointer) {
    auto* self = static_cast<CurlMulti*>(user);
    auto* socket = static_cast<Socket*>(socket_pointer);
    if (what == CURL_POLL_REMOVE) {
        if (socket) {
            log_multi_failure("curl_multi_assign",
                              curl_multi_assign(self->m_multi.get(), fd, nullptr));
            self->release_socket(socket);
        }
        return 0;
    }
    if (self->m_closed) {
        return 0;
    }
    if (!socket) {
        auto watched = std::make_unique<Socket>();
        watched->fd = fd;
        watched->owner = self;
        watched->poll.data = watched.get();
        const int rc = uv_poll_init_socket(self->m_loop, &watched->poll, fd);
        if (rc != 0) {
            log::error("HTTP client: " + uv_error_text("watch a socket", rc));
            return -1;
        }
        socket = watched.release();
        self->m_sockets.insert(socket);
        log_multi_failure("curl_multi_assign", curl_multi_assign(self->m_multi.get(), fd, socket));
    }
    const int events =
        ((what & CURL_POLL_IN) ? UV_READABLE : 0) | ((what & CURL_POLL_OUT) ? UV_WRITABLE : 0);
    const int rc = uv_poll_start(&socket->poll, events, &CurlMulti::on_poll);
    if (rc != 0) {
        log::error("HTTP client: " + uv_error_text("poll a socket", rc));
        return -1;
    }
    return 0;
}

int CurlMulti::on_timer_change(CURLM*, long timeout_ms, void* user) {
    auto* self = static_cast<CurlMulti*>(user);
    if (self->m_closed) {
        return 0;
    }
    if (timeout_ms < 0) {
        uv_timer_stop(self->m_timer.get());
        return 0;
    }
    // curl must not be called back from inside this function; a zero timeout fires on
    // the next loop iteration instead.
    const int rc = uv_timer_start(self->m_timer.get(), &CurlMulti::on_timeout,
                                  static_cast<std::uint64_t>(timeout_ms), 0);
    if (rc != 0) {
        log::error("HTTP client: " + uv_error_text("start the curl timer", rc));
        return -1;
    }
    return 0;
}

void CurlMulti::on_poll(uv_poll_t* poll, int status, int events) {
    auto* socket = static_cast<Socket*>(poll->data);
    int flags = 0;
    if (status < 0) {
        flags = CURL_CSELECT_ERR;
    } else {
        flags = ((events & UV_READABLE) ? CURL_CSELECT_IN : 0) |
                ((events & UV_WRITABLE) ? CURL_CSELECT_OUT : 0);
    }
    socket->owner->drive(socket->fd, flags);
}

void CurlMulti::on_timeout(uv_timer_t* timer) {
    static_cast<CurlMulti*>(timer->data)->drive(CURL_SOCKET_TIMEOUT, 0);
}

void CurlMulti::drive(curl_socket_t fd, int events) {
    if (m_closed) {
        return;
    }
    int running = 0;
    const CURLMcode rc = curl_multi_socket_action(m_multi.get(), fd, events, &running);
    if (rc != CURLM_OK) {
        log::error(std::string("HTTP client: curl_multi_socket_action failed: ") +
                   curl_multi_strerror(rc));
    }
    collect_finished();
}

void CurlMulti::collect_finished() {
    const std::shared_ptr<bool> alive = m_alive;
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(m_multi.get(), &queued)) {
        if (message->msg != CURLMSG_DONE) {
            continue;
        }
        const CURLcode code = message->data.result;
        Transfer* transfer = nullptr;
        if (curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer) != CURLE_OK ||
            !transfer) {
            log::error("HTTP client: curl finished a transfer it cannot name");
            continue;
        }
        Completion completion = finish(take(transfer->id), code);
        completion.done(std::move(completion.response));
        if (!*alive || m_closed) {
            return;
        }
    }
}

} // namespace ov2ha::http
