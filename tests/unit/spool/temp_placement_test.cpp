// TempPlacement with injected device numbers: the link's own temp directory while it shares the
// targets' file system, else Maildir/tmp, spool/temp or the domain's .tmp beside the target;
// targets on two file systems, or a temp directory on the wrong side of a mount, are errors
// naming the directories. Then a batch whose temp file is on another file system than its
// target (link(2) answering EXDEV, as a separate mount does) against the same message staged
// where the placement says.
#include "spool/temp_placement.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <map>

#include "spool/delivery_batch.hpp"
#include "spool/delivery_journal.hpp"
#include "tests/support/common/temp_dir.hpp"
#include "tests/support/spool/spool_fixture.hpp"

using namespace psyncd;

namespace {

// Device numbers by directory prefix (the longest prefix wins); unknown or missing
// directories fail as stat(2) would.
struct Devices {
  std::map<std::string, dev_t> by_prefix;
  std::vector<std::string> asked;
  spool::TempPlacement::DeviceOf fn() {
    return [this](const std::string& dir) -> Result<dev_t> {
      asked.push_back(dir);
      std::string best;
      for (const auto& [prefix, dev] : by_prefix)
        if (dir.rfind(prefix, 0) == 0 && prefix.size() > best.size()) best = prefix;
      if (best.empty() || !fs::is_directory(dir)) return fs::sys_error("cannot stat", dir, ENOENT);
      return by_prefix.at(best);
    };
  }
};

spool::Target target(const std::string& key, const std::string& dir) { return {key, dir}; }

// The directories the cases below name (the fake devices only answer for existing ones).
void make_tree(const test::TempDir& dir) {
  for (auto [domain, account] :
       {std::pair{"ex.test", "joe"}, {"ex.test", "ann"}, {"a.test", "joe"}, {"b.test", "ann"}})
    test::make_maildir(dir.path(), domain, account);
  for (const char* d :
       {"spool/local", "spool/temp", "tmp/joe@h", "tmp/x", "domains/ex.test/joe/mailbox"})
    REQUIRE(fs::posix().make_dirs(dir / d).ok());
}

}  // namespace

TEST_CASE("temp placement: the link's temp directory on the targets' file system",
          "[spool][placement]") {
  test::TempDir dir;
  make_tree(dir);
  spool::MailRoot root(dir.path());
  Devices devs;
  devs.by_prefix = {{root.root(), 1}};
  spool::TempPlacement p(fs::posix(), root, root.tmp_dir() + "/joe@h", devs.fn());
  auto t = p.temp_dir_for({target("joe@ex.test", root.maildir_new("ex.test", "joe"))});
  REQUIRE(t.ok());
  CHECK(*t == root.tmp_dir() + "/joe@h");
  // Devices are looked up once per directory.
  auto again = p.temp_dir_for({target("joe@ex.test", root.maildir_new("ex.test", "joe"))});
  CHECK(again.ok());
  CHECK(devs.asked.size() == 2);
}

TEST_CASE("temp placement: a target on its own file system gets the temp directory beside it",
          "[spool][placement]") {
  test::TempDir dir;
  make_tree(dir);
  spool::MailRoot root(dir.path());
  Devices devs;
  devs.by_prefix = {{root.root(), 1}, {root.domains_dir(), 2}, {root.spool_dir(), 3}};
  spool::TempPlacement p(fs::posix(), root, root.tmp_dir() + "/joe@h", devs.fn());
  SECTION("Maildir/new -> Maildir/tmp") {
    auto t = p.temp_dir_for({target("joe@ex.test", root.maildir_new("ex.test", "joe")),
                             target("ann@ex.test", root.maildir_new("ex.test", "ann"))});
    REQUIRE(t.ok());
    CHECK(*t == root.maildir_tmp("ex.test", "joe"));
  }
  SECTION("spool/local -> spool/temp") {
    auto t = p.temp_dir_for({target("spool/local", root.spool_local_dir())});
    REQUIRE(t.ok());
    CHECK(*t == root.spool_temp_dir());
  }
  SECTION("mailbox/ -> the domain's .tmp, made when missing") {
    std::string mailbox = root.mailbox_dir("ex.test", "joe");
    auto t = p.temp_dir_for({target("joe@ex.test", mailbox)});
    REQUIRE(t.ok());
    CHECK(*t == root.domain_dir("ex.test") + "/.tmp");
    CHECK(fs::is_directory(*t));
  }
}

TEST_CASE("temp placement: what cannot be placed is an error naming the directories",
          "[spool][placement]") {
  test::TempDir dir;
  make_tree(dir);
  spool::MailRoot root(dir.path());
  Devices devs;
  SECTION("one message, targets on two file systems") {
    devs.by_prefix = {{root.root(), 1}, {root.domain_dir("b.test"), 2}};
    spool::TempPlacement p(fs::posix(), root, root.tmp_dir() + "/x", devs.fn());
    auto t = p.temp_dir_for({target("joe@a.test", root.maildir_new("a.test", "joe")),
                             target("ann@b.test", root.maildir_new("b.test", "ann"))});
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().to_string() ==
          root.maildir_new("b.test", "ann") + ": on another file system than " +
              root.maildir_new("a.test", "joe") +
              ": one message cannot be stored across a mount (recipients joe@a.test and "
              "ann@b.test)");
  }
  SECTION("Maildir/new is a mount point of its own") {
    std::string new_dir = root.maildir_new("a.test", "joe");
    devs.by_prefix = {{root.root(), 1}, {new_dir, 2}};
    spool::TempPlacement p(fs::posix(), root, root.tmp_dir() + "/x", devs.fn());
    auto t = p.temp_dir_for({target("joe@a.test", new_dir)});
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().to_string() == root.maildir_tmp("a.test", "joe") +
                                       ": is on another file system than " + new_dir +
                                       ": no temp directory there to stage messages in");
  }
}

namespace {

// The POSIX file system where link(2) and linkat(2) into `far` fail with EXDEV when the
// source is not under `far` too: `far` behaves as a separate mount.
class MountFs final : public fs::ForwardingFileSystem {
 public:
  explicit MountFs(std::string far)
      : ForwardingFileSystem(fs::posix()), far_(std::move(far) + "/") {}
  Result<void> rename(const std::string& a, const std::string& b) override {
    if (crosses(a, b)) return fs::sys_error("cannot rename to " + b + ":", a, EXDEV);
    return fs::posix().rename(a, b);
  }
  Result<void> link(const std::string& a, const std::string& b) override {
    if (crosses(a, b)) return fs::sys_error("cannot link to " + b + ":", a, EXDEV);
    return fs::posix().link(a, b);
  }
  // Named temp files only, so every publish names its source path.
  Result<int> open_unnamed(const std::string&, unsigned) override { return -1; }

 private:
  bool inside(const std::string& p) const { return p.rfind(far_, 0) == 0; }
  bool crosses(const std::string& a, const std::string& b) const { return inside(a) != inside(b); }
  std::string far_;
};

}  // namespace

TEST_CASE("temp placement: a batch staged beside its target publishes across the mount",
          "[spool][placement]") {
  test::TempDir dir;
  spool::MailRoot root(dir.path());
  test::make_maildir(dir.path(), "ex.test", "joe");
  std::string link_tmp = root.tmp_dir() + "/joe@h";
  REQUIRE(fs::posix().make_dirs(link_tmp).ok());
  MountFs mount(root.domains_dir());
  auto journal = spool::DeliveryJournal::open(mount, dir / "journal");
  REQUIRE(journal.ok());
  const std::vector<spool::Target> targets = {
      target("joe@ex.test", root.maildir_new("ex.test", "joe"))};
  auto deliver = [&](const std::string& tmp_dir, const std::string& uidl) {
    spool::DeliveryBatch batch(mount, *journal, spool::DeliveryBatch::Sync::per_file);
    auto d = spool::Delivery::begin(mount, tmp_dir, "m-" + uidl);
    REQUIRE(d.ok());
    REQUIRE(d->write("Subject: x\r\n\r\nbody\r\n").ok());
    REQUIRE(batch.add(uidl, std::move(*d), targets).ok());
    return batch.commit();
  };
  // Before: the link's temp directory, on the other side of the mount.
  auto crossed = deliver(link_tmp, "u1");
  REQUIRE_FALSE(crossed.ok());
  CHECK(crossed.error().text.find("Invalid cross-device link") != std::string::npos);
  CHECK(test::list_names(root.maildir_new("ex.test", "joe")).empty());
  // Now: where the placement puts it (domains/ is device 2, the rest device 1).
  Devices devs;
  devs.by_prefix = {{root.root(), 1}, {root.domains_dir(), 2}};
  spool::TempPlacement placement(mount, root, link_tmp, devs.fn());
  auto tmp_dir = placement.temp_dir_for(targets);
  REQUIRE(tmp_dir.ok());
  CHECK(*tmp_dir == root.maildir_tmp("ex.test", "joe"));
  CHECK(deliver(*tmp_dir, "u2").ok());
  CHECK(test::list_names(root.maildir_new("ex.test", "joe")).size() == 1);
  CHECK(test::list_names(root.maildir_tmp("ex.test", "joe")).empty());
}
