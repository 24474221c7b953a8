// The OpenAPI 3 description of the controller's REST API, served at /openapi.json. It lists
// every route of controller_routes() (a unit test holds the two together), with the security
// the route table gives each one.
#pragma once

#include <string_view>

namespace ov2ha::ha {

// The document as JSON text; static storage.
std::string_view openapi_document();

} // namespace ov2ha::ha
