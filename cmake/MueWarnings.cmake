# Warnings and sanitizers for the project's own targets only: third-party headers
# (torch, Qt, OpenCV) come in as SYSTEM includes through their imported targets.
function(mue_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wformat=2)
  if(MUE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(MUE_SANITIZER STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(MUE_SANITIZER STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT MUE_SANITIZER STREQUAL "")
  message(FATAL_ERROR "MUE_SANITIZER must be empty, 'address' or 'thread' (got '${MUE_SANITIZER}')")
endif()
