// Next's ambient types (what the generated, git-ignored next-env.d.ts also references).
/// <reference types="next" />
/// <reference types="next/image-types/global" />
