#include "auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vapidiag::serve {

bool load_secret(const std::string& file, const std::string& env, std::string* out, std::string* err) {
  std::string value;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      *err = file + ": cannot be read";
      return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    value = ss.str();
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
    if (value.empty()) {
      *err = file + ": empty secret";
      return false;
    }
  } else if (!env.empty()) {
    const char* v = std::getenv(env.c_str());
    if (!v || !*v) {
      *err = "environment variable " + env + " is not set or empty";
      return false;
    }
    value = v;
  }
  *out = value;
  return true;
}

bool secret_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

bool authorized(const AuthConfig& a, const httplib::Request& req) {
  if (!a.any()) return true;
  bool ok = false;  // every configured way is checked, so the time does not say which one matched
  if (!a.secret.empty() && req.has_header("X-Vapi-Secret"))
    ok |= secret_equal(req.get_header_value("X-Vapi-Secret"), a.secret);
  if (!a.bearer.empty() && req.has_header(a.bearer_header)) {
    const std::string v = req.get_header_value(a.bearer_header);
    if (v.size() > 7 && lower(v.substr(0, 7)) == "bearer ")
      ok |= secret_equal(std::string_view(v).substr(7), a.bearer);
  }
  if (!a.hmac_secret.empty() && req.has_header(a.hmac_header)) {
    std::string given = lower(req.get_header_value(a.hmac_header));
    if (given.rfind("sha256=", 0) == 0) given.erase(0, 7);
    ok |= secret_equal(given, hmac_sha256_hex(a.hmac_secret, req.body));
  }
  return ok;
}

}  // namespace vapidiag::serve
