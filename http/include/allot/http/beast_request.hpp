// The Request the API sees for a request Beast has read: one conversion for the
// server and the HTTP fuzz target (tests/fuzz/fuzz_http.cpp), so the fuzzer feeds
// the API exactly what a connection would.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

#include "allot/http/message.hpp"

namespace allot::http {

// Method, target, headers (names lower-cased; a repeated header's values joined
// with ", ", cookies with "; "), the body (moved out of `req`), client and tls.
// path and query stay empty: dispatch fills them with parse_target.
Request request_from_beast(boost::beast::http::request<boost::beast::http::string_body>& req, std::string client,
                           bool tls);

}  // namespace allot::http
