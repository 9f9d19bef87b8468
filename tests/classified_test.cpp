// Classified: a classification that owns its code (vapidiag/matcher.hpp).

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "vapidiag/matcher.hpp"

using namespace vapidiag;

TEST_CASE("a Classified stays valid after the string it came from is gone", "[matcher]") {
  std::vector<Classified> kept;
  {
    // Short strings live inside the std::string (no heap buffer): moving or destroying them
    // is what a view into them would not survive.
    std::string raw = "  Pipeline-Error-OpenAI-LLM-Failed ";
    kept.emplace_back(raw);
    std::string other = "\"call.in-progress.error-providerfault-outbound-sip-503-service-unavailable\"";
    kept.push_back(Classified(other));
    raw.assign(raw.size(), 'x');
    other.assign(other.size(), 'y');
  }
  for (int i = 0; i < 50; ++i)
    kept.push_back(kept[static_cast<std::size_t>(i % 2)]);  // copies, reallocations
  Classified moved = std::move(kept[0]);
  CHECK(moved.code() == "pipeline-error-openai-llm-failed");
  CHECK(moved->code == "pipeline-error-openai-llm-failed");
  CHECK(moved->provider == "openai");
  CHECK(moved->fault == Fault::Provider);
  const Classification& sip = kept[3].get();
  CHECK(sip.code == "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable");
  CHECK(sip.status == "503");
  CHECK(sip.fault == Fault::Provider);
  // Every view points into the Classified's own string.
  const std::string& own = kept[3].code();
  CHECK(sip.code.data() == own.data());
  CHECK(sip.status.data() >= own.data());
  CHECK(sip.status.data() < own.data() + own.size());
}
