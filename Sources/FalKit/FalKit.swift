/// fal's queue protocol over libcurl.
public enum FalKit {}
