#pragma once
// Authentication of Vapi's requests: the legacy X-Vapi-Secret header, a bearer token, or
// an HMAC-SHA256 signature of the raw body. Secrets come from files or environment
// variables, never from the command line; comparisons take constant time.

#include <httplib.h>

#include <string>
#include <string_view>

namespace vapidiag::serve {

struct AuthConfig {
  std::string secret;  // X-Vapi-Secret
  std::string bearer;  // Authorization: Bearer TOKEN
  std::string bearer_header = "authorization";
  std::string hmac_secret;  // HMAC-SHA256 of the body, hex
  std::string hmac_header = "x-vapi-signature";
  bool any() const { return !secret.empty() || !bearer.empty() || !hmac_secret.empty(); }
};

// Reads a secret from a file (trailing newline and spaces dropped) or an environment
// variable. False with a message when it cannot be read or is empty.
bool load_secret(const std::string& file, const std::string& env, std::string* out, std::string* err);

// True when no secret is configured, or when the request carries any configured one.
bool authorized(const AuthConfig& a, const httplib::Request& req);

// Lower-case hex of HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Constant-time equality (the length is not secret).
bool secret_equal(std::string_view a, std::string_view b);

}  // namespace vapidiag::serve
