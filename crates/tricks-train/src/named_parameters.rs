//! Every float parameter of a module, named by its module path, with its gradient when asked for: what
//! monitoring summarises and the gradient check perturbs.

use burn::module::{Module, ModuleVisitor, Param, ParamId};
use burn::optim::GradientsParams;
use burn::tensor::{Tensor, backend::Backend};

/// A parameter tensor of a module, flattened.
pub(crate) struct NamedParameter<B: Backend> {
    pub id: ParamId,
    /// Module path, outermost first, ending with the field name: `["layers", "0", "weight"]`.
    pub path: Vec<String>,
    /// Rank of the tensor: weights have rank ≥ 2, biases rank 1.
    pub rank: usize,
    pub value: Tensor<B, 1>,
    /// The gradient in the `grads` given, if it holds one.
    pub grad: Option<Tensor<B, 1>>,
}

/// Every float parameter of `model`, in visiting order, with its gradient in `grads`.
pub(crate) fn named_parameters<B: Backend, M: Module<B>>(model: &M, grads: Option<&GradientsParams>) -> Vec<NamedParameter<B>> {
    let mut visitor = Visitor { path: Vec::new(), grads, out: Vec::new() };
    model.visit(&mut visitor);
    visitor.out
}

struct Visitor<'a, B: Backend> {
    path: Vec<String>,
    grads: Option<&'a GradientsParams>,
    out: Vec<NamedParameter<B>>,
}

impl<B: Backend> ModuleVisitor<B> for Visitor<'_, B> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }

    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }

    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
        let grad = self.grads.and_then(|g| g.get::<B, D>(param.id)).map(flat);
        self.out.push(NamedParameter { id: param.id, path: self.path.clone(), rank: D, value: flat(param.val()), grad });
    }
}

/// `t` as one row of values.
pub(crate) fn flat<B: Backend, const D: usize>(t: Tensor<B, D>) -> Tensor<B, 1> {
    let n = t.shape().num_elements();
    t.reshape([n])
}

/// Name (module path joined with `.`, as a model file names it) and shape of every float parameter of
/// `model`, in visiting order.
pub(crate) fn parameter_shapes<B: Backend, M: Module<B>>(model: &M) -> Vec<(String, Vec<usize>)> {
    struct Shapes {
        path: Vec<String>,
        out: Vec<(String, Vec<usize>)>,
    }
    impl<B: Backend> ModuleVisitor<B> for Shapes {
        fn enter_module(&mut self, name: &str, _container_type: &str) {
            self.path.push(name.to_string());
        }
        fn exit_module(&mut self, _name: &str, _container_type: &str) {
            self.path.pop();
        }
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<B, D>>) {
            self.out.push((self.path.join("."), param.val().dims().to_vec()));
        }
    }
    let mut shapes = Shapes { path: Vec::new(), out: Vec::new() };
    model.visit(&mut shapes);
    shapes.out
}
