#include "vapidiag/classification.hpp"

namespace vapidiag {
namespace {
template <typename E, std::size_t N>
std::optional<E> parse_name(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}
}  // namespace

std::optional<Symptom> parse_symptom(std::string_view s) { return parse_name<Symptom>(kSymptomNames, s); }
std::optional<Fault> parse_fault(std::string_view s) { return parse_name<Fault>(kFaultNames, s); }

}  // namespace vapidiag
