import { libraryFolderTests } from "./library-folder.ts";

libraryFolderTests("scenarios/connection");
