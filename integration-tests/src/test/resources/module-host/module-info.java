/** A host application on the module path: it requires the library's module and nothing else (ModuleHostTest). */
module example.host {
  requires io.delpha.sdk;
}
