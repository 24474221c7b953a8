// The way a handler answers its request, now or later (after a Redis reply):
// a cheap copyable handle that stays safe after the client has gone.
#pragma once

#include "core/http/response.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace ov2ha::http {

class Connection;

// Copies share one answer. Loop thread only. The connection is reached through a weak link that
// it cuts when it closes, so a late answer is dropped, never written to freed memory. If the
// last copy goes away unanswered while the client still waits, the client gets a 500.
class Responder {
  public:
    // Queues `response` for the client. Returns false, doing nothing, when the request was
    // already answered or its connection has closed.
    bool send(Response response) const;

    // True while the request is unanswered and its client is still connected.
    bool waiting() const;

  private:
    friend class Connection;
    friend class Server;
    struct State;

    Responder(std::weak_ptr<Connection*> connection, uint64_t exchange);
    // Names the matched route for the log line and the metrics hook; set before the handler runs.
    void set_route(std::string route) const;
    static bool deliver(State& state, Response response);

    std::shared_ptr<State> m_state;
};

} // namespace ov2ha::http
