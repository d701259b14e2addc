// app/status_json.hpp: --status --json is one JSON document; strings are escaped, numbers are
// numbers, "trigger only" is null.
#include "app/status_json.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::app;

TEST_CASE("json_string escapes quotes, backslashes and control bytes") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("a \"b\" \\c") == "\"a \\\"b\\\" \\\\c\"");
  CHECK(json_string(std::string("t\tn\nz\x01\x7f", 7)) == "\"t\\u0009n\\u000az\\u0001\\u007f\"");
  CHECK(json_string("caf\xc3\xa9") == "\"caf\xc3\xa9\"");
}

TEST_CASE("format_status_json: the schema, exact") {
  LinkStatus ok;
  ok.link = "a@h:110 -> a@ex.test";
  ok.result = "ok: 2 msgs";
  ok.time = 100;
  ok.msgs = 2;
  ok.bytes = 30;
  ok.total_msgs = 5;
  ok.total_bytes = 70;
  ok.next_poll = 0;
  ok.typed = true;
  LinkStatus failed = ok;
  failed.link = "b@h:110 -> b@ex.test";
  failed.result = "FAIL (auth): h:110: PASS: login refused: \"-ERR no\"";
  failed.msgs = failed.bytes = 0;
  failed.failures = 1;
  failed.next_poll = 50;
  failed.delay = 300;
  failed.delay_until = 400;
  failed.outcome.kind = psyncd::psync::OutcomeKind::failed;
  failed.outcome.step = psyncd::psync::FetchStep::auth;
  failed.reply = "-ERR no";
  std::string json = format_status_json({ok, failed}, 200);
  CHECK(
      json.rfind(
          "{\"version\": 1, \"now\": 200, \"links\": [\n"
          "  {\"link\": \"a@h:110 -> a@ex.test\", \"table\": false, \"result\": \"ok: 2 msgs\", "
          "\"outcome\": \"ok\", \"time\": 100, \"msgs\": 2, \"bytes\": 30, \"total_msgs\": 5, "
          "\"total_bytes\": 70, \"failures\": 0, \"next_poll\": null, \"overdue\": false, "
          "\"delay\": 0, \"delay_until\": 0, \"reply\": \"\", \"advice\": \"\"},\n"
          "  {\"link\": \"b@h:110 -> b@ex.test\", \"table\": false, \"result\": \"FAIL (auth): "
          "h:110: PASS: login refused: \\\"-ERR no\\\"\", \"outcome\": \"failed\", \"time\": 100, "
          "\"msgs\": 0, \"bytes\": 0, \"total_msgs\": 5, \"total_bytes\": 70, \"failures\": 1, "
          "\"next_poll\": 50, \"overdue\": true, \"delay\": 300, \"delay_until\": 400, "
          "\"reply\": \"-ERR no\", \"advice\": \"",
          0) == 0);
  CHECK(json.size() > 4);
  CHECK(json.substr(json.size() - 6) == "\"}\n]}\n");
  CHECK(format_status_json({}, 7) == "{\"version\": 1, \"now\": 7, \"links\": []}\n");
}
