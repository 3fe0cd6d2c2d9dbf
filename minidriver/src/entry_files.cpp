// The file entry points over the virtual file system (files.hpp).
#include <cstring>
#include <mutex>

#include "context.hpp"
#include "entries.hpp"
#include "files.hpp"

namespace carta::md {

Dword CARTA_MD_API CardReadFile(CardData* data, char* directory, char* name, Dword flags, Byte** out,
                                Dword* out_size) {
    return guarded([&] {
        auto& context = context_of(data);
        require(out != nullptr && out_size != nullptr && flags == 0);
        const std::lock_guard lock(context.mutex());
        const auto bytes = read_virtual_file(context, directory, name);
        *out = context.csp_copy(bytes);
        *out_size = static_cast<Dword>(bytes.size());
    });
}

Dword CARTA_MD_API CardEnumFiles(CardData* data, char* directory, char** names, Dword* names_size,
                                 Dword flags) {
    return guarded([&] {
        auto& context = context_of(data);
        require(names != nullptr && names_size != nullptr && flags == 0);
        const std::lock_guard lock(context.mutex());
        // A multi-string: each name NUL-terminated, one more NUL at the end.
        Bytes multi;
        for (const auto& file : list_virtual_files(context, directory)) {
            multi.insert(multi.end(), file.begin(), file.end());
            multi.push_back(0);
        }
        multi.push_back(0);
        *names = reinterpret_cast<char*>(context.csp_copy(multi));
        *names_size = static_cast<Dword>(multi.size());
    });
}

Dword CARTA_MD_API CardGetFileInfo(CardData* data, char* directory, char* name, CardFileInfo* info) {
    return guarded([&] {
        auto& context = context_of(data);
        require(info != nullptr);
        require(info->dwVersion <= version::kFileInfo, rc::kRevisionMismatch);
        const std::lock_guard lock(context.mutex());
        const auto bytes = read_virtual_file(context, directory, name);
        info->dwVersion = version::kFileInfo;
        info->cbFileSize = static_cast<Dword>(bytes.size());
        // Everyone reads; no one writes through the minidriver (carta's CLI does).
        info->AccessCondition = access::kEveryoneReadAdminWrite;
    });
}

Dword CARTA_MD_API CardQueryFreeSpace(CardData* data, Dword flags, CardFreeSpaceInfo* info) {
    return guarded([&] {
        auto& context = context_of(data);
        require(info != nullptr && flags == 0);
        require(info->dwVersion <= version::kFreeSpace, rc::kRevisionMismatch);
        const std::lock_guard lock(context.mutex());
        const auto& snapshot = context.refresh();
        // Read-only for the CSP: no room for files or containers it would create.
        *info = CardFreeSpaceInfo{version::kFreeSpace, 0, 0, static_cast<Dword>(snapshot.containers.size())};
    });
}

}  // namespace carta::md
