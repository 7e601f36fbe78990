// `location` from --location, read-only.
console.log(location.href, location.origin, location.pathname, location.search, location.hash);
console.log(String(location) === location.href, location instanceof Location);
try {
  location.assign("/x");
} catch (e) {
  console.log((e as DOMException).name);
}
