// `ov2ha serve` as one object on the loop: the HTTP server with the REST API, the Redis
// connection and session store, the webhook relay, the cleanup and failover timers, and, in
// S3 mode, the bucket client. Loop thread only.
#pragma once

#include "core/base/result.hpp"
#include "core/ha/serve_settings.hpp"

#include <functional>
#include <memory>
#include <uv.h>

namespace ov2ha::ha {

class Controller {
  public:
    // Builds every part on `loop` (nothing listens or connects yet). Fails with words when a
    // part cannot be made (the bucket client, the relay's HTTP client).
    static Result<std::unique_ptr<Controller>> create(uv_loop_t* loop, ServeSettings settings);
    // Closes whatever is still open; the loop must run afterwards for handles to finish closing.
    ~Controller();
    Controller(const Controller&) = delete;
    Controller& operator=(const Controller&) = delete;

    // Listens, starts connecting to Redis (which may be down: the API answers 503 until it is
    // up) and starts the timers, then logs one line saying where it listens and where Redis is.
    Status start();

    // The bound port once started.
    int port() const;

    // Stops accepting, lets requests in hand be answered (for up to `bound`), then closes the
    // relay, the timers, the bucket client and Redis; `done` runs once on the loop thread after.
    void shut_down(std::chrono::milliseconds bound, std::function<void()> done);

  private:
    struct Parts;
    explicit Controller(std::unique_ptr<Parts> parts);
    void close_parts();

    std::unique_ptr<Parts> m_parts;
};

} // namespace ov2ha::ha
