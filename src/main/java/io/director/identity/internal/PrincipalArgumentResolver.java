package io.director.identity.internal;

import io.director.identity.Principal;
import io.director.shared.DirectorException;
import io.director.shared.ProblemKind;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Lets controllers take the authenticated {@link Principal} as a parameter. */
class PrincipalArgumentResolver implements HandlerMethodArgumentResolver {
  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == Principal.class;
  }

  @Override
  public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request, WebDataBinderFactory binders) {
    Object principal = request.getAttribute(AuthenticationFilter.PRINCIPAL_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    if (principal == null) {
      throw new DirectorException(ProblemKind.UNAUTHENTICATED, "identity.unauthenticated", "authentication required");
    }
    return principal;
  }
}
