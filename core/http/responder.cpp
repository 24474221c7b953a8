// Late-safe answers; see responder.hpp.
#include "core/http/responder.hpp"

#include "core/http/connection.hpp"

namespace ov2ha::http {

struct Responder::State {
    std::weak_ptr<Connection*> connection;
    uint64_t exchange = 0;
    std::string route;
    bool answered = false;

    ~State() {
        if (!answered) {
            deliver(*this, Response::error(500, "the request was dropped without an answer"));
        }
    }
};

Responder::Responder(std::weak_ptr<Connection*> connection, uint64_t exchange)
    : m_state(std::make_shared<State>()) {
    m_state->connection = std::move(connection);
    m_state->exchange = exchange;
}

bool Responder::send(Response response) const {
    return deliver(*m_state, std::move(response));
}

bool Responder::waiting() const {
    return !m_state->answered && !m_state->connection.expired();
}

void Responder::set_route(std::string route) const {
    m_state->route = std::move(route);
}

bool Responder::deliver(State& state, Response response) {
    if (state.answered) {
        return false;
    }
    state.answered = true;
    const std::shared_ptr<Connection*> link = state.connection.lock();
    return link && (*link)->deliver(state.exchange, std::move(response), state.route);
}

} // namespace ov2ha::http
